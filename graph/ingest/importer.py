"""Imports: spreadsheets and RDF files into the store, validated, all-or-nothing.

An import reads everything, reports every problem at once (file or sheet, row, column, reason),
validates the graph with the SHACL shapes, and writes it in one transaction that replaces the
concept's named graph. If anything is wrong, the store keeps what it held. A first spreadsheet
import of a large concept is checked by SHACL while Oxigraph's bulk loader writes it, on the other
core, and emptied again if a check fails (:meth:`ikg.graph.store.embedded.Store.replace_graph`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ikg.graph.errors import InputError, StoreError
from ikg.graph.i18n import Lang, t
from ikg.graph.ingest.collector import without_cycle_collector
from ikg.graph.ingest.problems import Problem, spelled
from ikg.graph.iris import ONTOLOGY_GRAPH_IRI, SYSTEM_GRAPH_IRI, concept_graph_iri
from ikg.graph.resources import data_dir, ontology_quads
from ikg.graph.store.base import StoreLike, is_url

if TYPE_CHECKING:
    from ikg.graph.ingest.mapping import Mapped
    from ikg.graph.store.embedded import Change

# Reading, mapping and validating (openpyxl, calamine, the SHACL compiler) and the remote store
# (httpx) are imported where they are used: ``ikg info`` and ``ikg query`` open the store and
# need none of them.

__all__ = [
    "DEFAULT_CONCEPTS",
    "RDF_FORMATS",
    "ImportResult",
    "check_spreadsheet",
    "ensure_ready",
    "import_path",
    "import_rdf",
    "import_spreadsheet",
    "open_store",
]

Progress = Callable[[str, float], None]

#: data folders loaded into a new, empty store so that everything works out of the box: the real
#: Mettmann concept and the fictional Beispielkreis (built with known networking gaps)
DEFAULT_CONCEPTS: tuple[str, ...] = ("mettmann-2015", "beispielkreis")

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


@dataclass
class ImportResult:
    """What an import did.

    Attributes
    ----------
    graphs : list of str
        Named graphs written.
    concept_id : str or None
        Id of the imported concept (spreadsheets).
    triples : int
        Triples the concept's graph now holds.
    change : Change
        Triples added and removed by this import (0 and 0 for a repeated import).
    counts : dict
        Rows read per table.
    warnings : list of Problem
    """

    graphs: list[str]
    concept_id: str | None
    triples: int
    change: Change
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)


def _noop(stage: str, fraction: float) -> None:
    return None


@without_cycle_collector
def check_spreadsheet(path: str | os.PathLike[str], progress: Progress = _noop) -> Mapped:
    """Read, map and validate a spreadsheet without writing anything.

    Parameters
    ----------
    path : path-like
        A folder of CSV files or an XLSX workbook.
    progress : callable, optional
        Called with a stage name and the fraction done.

    Returns
    -------
    Mapped
        The graph and all problems (errors and warnings); SHACL runs only when the tables
        themselves have no error, so that one mistake is not reported twice.
    """
    mapped = _read_and_map(path, progress)
    if not _errors(mapped.problems) and mapped.text is not None:
        progress("validate", 0.5)
        _add_shacl_problems(mapped, path)
    progress("checked", 0.8)
    return mapped


def _add_shacl_problems(mapped: Mapped, path: str | os.PathLike[str]) -> None:
    """Validate the mapped quads with the shapes; each violation joins the problems at its row."""
    from ikg.graph.ingest.validate import shacl_problems

    mapped.problems += shacl_problems(mapped.text or [], mapped.origin, Path(path).name)


def _refusal(mapped: Mapped, path: str | os.PathLike[str]) -> InputError:
    """The error that refuses a spreadsheet: every problem found, nothing imported."""
    n = len(_errors(mapped.problems))
    return InputError(problems=mapped.problems, key="ingest.error.nothing_imported", source=Path(path).name, n=n)


def _read_and_map(path: str | os.PathLike[str], progress: Progress) -> Mapped:
    """Read the tables and map them to quads; the problems spelled as the user's tables spell them."""
    from ikg.graph.ingest.mapping import map_tables
    from ikg.graph.ingest.ntriples import spool_error
    from ikg.graph.ingest.tabular import read_tables

    progress("read", 0.0)
    tables, problems = read_tables(path)
    progress("check", 0.3)
    try:
        mapped = map_tables(tables)  # its lines go to temporary files
    except OSError as exc:
        raise spool_error(exc) from exc
    mapped.problems = spelled(problems + mapped.problems, tables)  # the user's own column and table names
    del tables  # the raw rows: at 100,000 actors some 600,000 dicts, not needed past the mapping
    return mapped


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


@without_cycle_collector
def import_spreadsheet(store: StoreLike, path: str | os.PathLike[str], progress: Progress = _noop) -> ImportResult:
    """Import a spreadsheet (CSV folder or XLSX workbook) as one concept, atomically.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store to write to.
    path : path-like
        A folder of CSV files or an XLSX workbook.
    progress : callable, optional
        Called with a stage name and the fraction done.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        With every problem found; nothing is written.
    StoreError
        If the store cannot be written; nothing is written.
    """
    from ikg.graph.store.embedded import Store

    mapped = _read_and_map(path, progress)
    if _errors(mapped.problems) or mapped.concept_id is None or mapped.text is None:
        raise _refusal(mapped, path)
    text = mapped.text

    def validate() -> None:
        """SHACL, while the store writes (a violation undoes the write; see Store.replace_graph). The
        tables passed ikg's own checks, so the shapes rarely refuse: the common case is not kept waiting."""
        _add_shacl_problems(mapped, path)
        if _errors(mapped.problems):
            raise _refusal(mapped, path)

    graph = concept_graph_iri(mapped.concept_id)
    progress("validate_write", 0.5)
    try:  # the embedded store reads the text as it is; a remote one is sent quads
        if isinstance(store, Store):
            change = store.replace_graph(graph, text, verify=validate)
        else:
            change = store.replace_graph(graph, text.quads(), verify=validate)
        triples = text.count()  # counted by the checks' store (or the quads) as they read the lines
    finally:
        text.close()  # the temporary files of the lines
        mapped.text = None
    progress("done", 1.0)
    warnings = [p for p in mapped.problems if p.severity != "error"]
    return ImportResult([graph], mapped.concept_id, triples, change, mapped.counts, warnings)


def _check_rdf_xml(path: Path) -> None:
    """Refuse RDF/XML that declares a DOCTYPE or entities, or whose encoding cannot be checked.

    Oxigraph's RDF/XML parser expands internal entities, also from a DOCTYPE after the root
    element: 594 bytes of nested ``<!ENTITY>`` declarations became a 12 MB literal, nine levels
    would be 12 GB. No RDF/XML ikg needs has a DOCTYPE, so any is refused before parsing; the
    whole file is checked, in the encoding its first bytes and declaration name (UTF-8, UTF-16,
    UTF-32, with or without byte order mark) and as raw bytes.
    """
    from ikg.graph.ingest.xmlguard import XmlVerdict, scan_xml

    with path.open("rb") as fh:
        verdict = scan_xml(fh, whole=True)
    if verdict is XmlVerdict.ENTITIES:
        raise InputError(
            problems=[Problem("xml_doctype", path.name)], key="ingest.error.rdf_xml_doctype", source=path.name
        )
    if verdict is XmlVerdict.UNDECODABLE:
        raise InputError(
            problems=[Problem("xml_encoding", path.name, args={"part": path.name})],
            key="ingest.error.rdf_xml_encoding",
            source=path.name,
        )


@without_cycle_collector
def import_rdf(
    store: StoreLike, path: str | os.PathLike[str], graph: str | None = None, progress: Progress = _noop
) -> ImportResult:
    """Import an RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML), atomically.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store to write to.
    path : path-like
        The file; its extension names the format.
    graph : str, optional
        Named graph to import into (replacing its content). Required for triple formats; for
        quad formats, every quad is moved into it when given, else each named graph of the file
        replaces the same graph in the store.
    progress : callable, optional
        Called with a stage name and the fraction done.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        On a syntax error, a missing ``graph``, a SHACL violation or an input above the size cap.
    """
    from ikg.graph.ingest.tabular import max_input_bytes
    from ikg.graph.ingest.validate import shacl_problems

    p = Path(path)
    fmt = RDF_FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(key="ingest.error.unknown_rdf_format", source=p.name, formats=", ".join(sorted(RDF_FORMATS)))
    if not p.is_file():
        raise InputError(key="ingest.error.no_such_file", path=str(p))
    size = p.stat().st_size
    if size > max_input_bytes():
        raise InputError(
            key="ingest.error.too_large",
            source=p.name,
            size=f"{size / 1048576:.1f}",
            limit=f"{max_input_bytes() / 1048576:.1f}",
        )
    if graph is not None and not graph.startswith(("http://", "https://", "urn:")):
        raise InputError(key="ingest.error.graph_not_iri", graph=repr(graph))
    progress("read", 0.0)
    if fmt == ox.RdfFormat.RDF_XML:
        _check_rdf_xml(p)
    try:
        quads = list(ox.parse(path=str(p), format=fmt, base_iri=p.resolve().as_uri()))
    except (SyntaxError, ValueError, OSError) as exc:
        if "LoadDocumentCallback" in str(exc) or "remote context" in str(exc):
            raise InputError(
                problems=[Problem("jsonld_remote_context", p.name)],
                key="ingest.error.jsonld_remote_context",
                source=p.name,
            ) from exc
        raise InputError(
            problems=[Problem("rdf_syntax", p.name, args={"detail": str(exc)})],
            key="ingest.error.rdf_syntax",
            source=p.name,
        ) from exc
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        if graph is not None:
            name = graph
        elif isinstance(q.graph_name, ox.NamedNode):
            name = q.graph_name.value
        else:
            raise InputError(key="ingest.error.triples_outside_graph", source=p.name)
        by_graph.setdefault(name, []).append(q)
    if graph is not None:
        by_graph.setdefault(graph, [])
    data = [q for qs in by_graph.values() for q in qs]
    # SHACL first, then the write: RDF from elsewhere fails the shapes far more often than a
    # spreadsheet whose tables passed ikg's checks, and undoing a bulk load that a check refused
    # takes three times the load (10,000 actors: 25 s instead of 7 s to say no)
    progress("validate", 0.4)
    problems = shacl_problems(data, None, p.name)
    if problems:
        raise InputError(problems=problems, key="ingest.error.nothing_imported", source=p.name, n=len(problems))
    progress("write", 0.8)
    change = store.replace_graphs(by_graph)
    progress("done", 1.0)
    triples = len({(q.subject, q.predicate, q.object) for q in data})  # as before: distinct over graphs
    return ImportResult(sorted(by_graph), None, triples, change)


def import_path(
    store: StoreLike, path: str | os.PathLike[str], graph: str | None = None, progress: Progress = _noop
) -> ImportResult:
    """Import a spreadsheet or an RDF file, chosen by what ``path`` is.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store to write to.
    path : path-like
        An RDF file (by its extension, see :data:`RDF_FORMATS`), else a spreadsheet.
    graph : str, optional
        For an RDF file: the named graph to import into (see :func:`import_rdf`).
    progress : callable, optional
        Called with a stage name and the fraction done.

    Returns
    -------
    ImportResult

    Raises
    ------
    InputError
        As :func:`import_rdf` and :func:`import_spreadsheet` do, and for ``graph`` given with a
        spreadsheet.
    """
    p = Path(path)
    if p.is_file() and p.suffix.lower() in RDF_FORMATS:
        return import_rdf(store, p, graph, progress)
    if graph is not None:
        raise InputError(key="ingest.error.graph_for_rdf_only")
    return import_spreadsheet(store, p, progress)


def ensure_ready(store: StoreLike, seed: bool = True) -> None:
    """Make a store ready: the current ontology in its graph, and on first use the default data.

    The ontology graph is written only when it differs from the shipped ontology (parsed by
    Oxigraph, a few milliseconds), so opening a ready store reads and writes nothing else: an
    everyday command (``ikg info``) no longer rewrites the graph on every run.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    seed : bool
        Load :data:`DEFAULT_CONCEPTS` if the store has never been seeded and holds no concept.
        A store once seeded is not seeded again, so a dropped concept stays dropped.
    """
    ontology = _ontology_quads()
    graph = ONTOLOGY_GRAPH_IRI
    if store.graph_quads(graph) != set(ontology):
        store.replace_graph(graph, ontology)
    if not seed:
        return
    seeded = store.ask("ASK { GRAPH ?system { ?s ?p ?o } }", {"system": ox.NamedNode(SYSTEM_GRAPH_IRI)})
    if seeded:
        return
    has_concept = store.ask("PREFIX ikg: <https://w3id.org/ikg/ns#> ASK { GRAPH ?g { ?c a ikg:IntegrationConcept } }")
    if not has_concept:
        for name in DEFAULT_CONCEPTS:
            with _Materialised(name) as folder:
                import_spreadsheet(store, folder)
    system = ox.NamedNode(SYSTEM_GRAPH_IRI)
    marker = ox.Quad(system, _SEEDED_WITH, ox.Literal(" ".join(DEFAULT_CONCEPTS)), system)
    store.replace_graph(SYSTEM_GRAPH_IRI, [marker])


_SEEDED_WITH = ox.NamedNode("https://w3id.org/ikg/ns#seededWith")


def _ontology_quads() -> list[ox.Quad]:
    """The shipped ontology as quads of its graph, parsed by Oxigraph (the same quads rdflib's parse gives)."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH_IRI)
    return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in ontology_quads()]


def _inside(item: Path) -> bool:
    """Whether a link in a shipped folder leads to a file inside that folder."""
    from ikg.graph.ingest.tabular import link_target_inside

    return link_target_inside(item.parent.resolve(), item) is not None


class _Materialised:
    """Give a shipped data folder a real path (it may live inside a zip)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._tmp: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path:
        source = data_dir(self.name)
        if isinstance(source, Path) and source.is_dir():
            return source
        self._tmp = tempfile.TemporaryDirectory(prefix="ikg-")
        target = Path(self._tmp.name)
        for item in source.iterdir():
            # Shipped data holds no links; should a listing of real paths (a namespace package)
            # hold one that leaves its folder, it is refused as in any folder that is imported.
            if isinstance(item, Path) and item.is_symlink() and not _inside(item):
                self.__exit__()
                raise InputError(
                    problems=[Problem("symlink_outside", item.name, args={"folder": self.name})],
                    key="ingest.error.shipped_symlink",
                    name=self.name,
                )
            if item.is_file():
                (target / item.name).write_bytes(item.read_bytes())
        return target

    def __exit__(self, *exc: object) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


def open_store(path: str | os.PathLike[str] | None = None, seed: bool = True) -> StoreLike:
    """Open the store (default: :func:`~ikg.graph.store.embedded.default_store_path`) and make it ready.

    Parameters
    ----------
    path : path-like or str, optional
        Store directory, ``":memory:"``, or the URL of a SPARQL 1.1 query endpoint
        (a :class:`~ikg.graph.store.remote.RemoteStore`).
    seed : bool
        Load the default concept into a new store (see :func:`ensure_ready`).

    Returns
    -------
    StoreLike
        A :class:`~ikg.graph.store.remote.RemoteStore` for a URL, else an embedded
        :class:`~ikg.graph.store.embedded.Store`.

    Raises
    ------
    StoreError
        If the store cannot be opened, or the shipped data does not import.
    """
    from ikg.graph.store.embedded import Store, default_store_path

    location = path if path is not None else default_store_path()
    store: StoreLike
    if is_url(location):
        from ikg.graph.store.remote import RemoteStore

        store = RemoteStore(str(location))
    else:
        store = Store(location)
    try:
        ensure_ready(store, seed)
    except InputError as exc:  # the shipped data must always import
        raise _ShippedDataError(exc) from exc
    return store


class _ShippedDataError(StoreError):
    """The shipped data did not import: the import's error, said in the same language."""

    def __init__(self, cause: InputError) -> None:
        super().__init__(key="ingest.error.shipped_data_failed", detail=str(cause))
        self.cause = cause

    def render(self, lang: Lang) -> str:
        """The message in ``lang``, the import's error included."""
        return t("ingest.error.shipped_data_failed", lang, detail=self.cause.render(lang))
