"""The named query library: the ``.rq`` files in ``queries/``, their headers and parameters.

Each file starts with a comment header::

    # title@de: Mitglieder einer AG
    # title@en: Members of a working group
    # answers: Who sits in a working group, in which role ...
    # param wg_id (id, required, example=ag-sprache, class=WorkingGroup): id of the working group

A parameter binds the query variable of the same name, through a ``VALUES`` block
(:func:`ikg.graph.store.sparql_text.bind_values`, and :func:`bind_query` for the sub-``SELECT`` s
of a library query), after its value was checked against its type:

``concept``  a concept id; binds the IRI of the concept's named graph
``id``       an id from the spreadsheet (``dcterms:identifier``); binds a string
``string``   any text; binds a string
``iri``      an absolute IRI
``lang``     ``de`` or ``en``
``date``     a date as in the spreadsheets (``2015-06-30``, ``30.06.2015``, ``2015``)
``integer``  a whole number

An ``id`` parameter may name the class of what it identifies (``class=WorkingGroup``, a class of
the ikg ontology, see :data:`ID_CLASSES`). Before a query runs, :func:`check_ids` makes sure that
every id and concept given exists, so that a typo gets a message with the closest ids instead of
an empty table; the command line and ``/queries`` both use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, overload

import pyoxigraph as ox

from ikg.graph.errors import IkgError, InputError, NotFoundError
from ikg.graph.i18n import LANGS, Lang, t
from ikg.graph.library.concat import concat_columns, sort_concat
from ikg.graph.library.ids import ID_CLASSES, UnknownIdError, check_ids
from ikg.graph.resources import queries_dir
from ikg.graph.store.base import StoreLike
from ikg.graph.store.sparql_text import Token, as_ox_term, bind_values, tokenize

if TYPE_CHECKING:
    from rdflib.term import Node

    from ikg.graph.store.base import Bound, OxTerm, Terms

__all__ = [
    "ID_CLASSES",
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "UnknownIdError",
    "bind_params",
    "bind_query",
    "check_ids",
    "get_query",
    "library",
    "parse_query_file",
    "run_named",
]

PARAM_TYPES = ("concept", "id", "string", "iri", "lang", "date", "integer")

_PARAM = re.compile(r"^param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<spec>[^)]*)\)\s*:\s*(?P<doc>.*)$")


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: str
    required: bool
    default: str | None
    example: str | None
    description: str
    #: for an ``id``: the local name of the class of what it identifies (:data:`ID_CLASSES`)
    cls: str | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the parameter as JSON-ready data."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "description": self.description,
            **({"class": self.cls} if self.cls else {}),
        }


@dataclass(frozen=True)
class NamedQuery:
    """One query of the library."""

    name: str
    title: dict[str, str]
    answers: str
    params: tuple[Param, ...]
    text: str = field(repr=False)

    def example_params(self) -> dict[str, str]:
        """Return the example value of every parameter that has one."""
        return {p.name: p.example for p in self.params if p.example is not None}


def parse_query_file(name: str, text: str) -> NamedQuery:
    """Parse the header of a ``.rq`` file.

    Raises
    ------
    ValueError
        If the header lacks a title in German and English or a parameter line is malformed
        (an unknown type, or a class that is not one of :data:`ID_CLASSES` or not on an ``id``).

    Examples
    --------
    >>> q = parse_query_file("x", "# title@de: T\\n# title@en: T\\n# answers: A\\n"
    ...     "# param n (integer, optional, default=3, example=5): how many\\n"
    ...     "# param g (id, required, class=Goal): a goal\\nSELECT ?n {}")
    >>> q.params[0].type, q.params[0].default, q.params[0].required, q.params[1].cls
    ('integer', '3', False, 'Goal')
    """
    title: dict[str, str] = {}
    answers = ""
    params: list[Param] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:].strip()
        if body.startswith("title@"):
            lang, _, value = body[len("title@") :].partition(":")
            title[lang.strip()] = value.strip()
        elif body.startswith("answers:"):
            answers = body[len("answers:") :].strip()
        elif body.startswith("param "):
            m = _PARAM.match(body)
            if m is None:
                raise ValueError(f"{name}.rq: malformed parameter line: {line}")
            parts = [p.strip() for p in m["spec"].split(",")]
            ptype = parts[0]
            if ptype not in PARAM_TYPES:
                raise ValueError(f"{name}.rq: parameter {m['name']} has unknown type {ptype}")
            opts = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
            flags = {p for p in parts[1:] if "=" not in p}
            cls = opts.get("class")
            if cls is not None and (ptype != "id" or cls not in ID_CLASSES):
                raise ValueError(
                    f"{name}.rq: parameter {m['name']}: class= needs type id and one of {', '.join(ID_CLASSES)}"
                )
            params.append(
                Param(
                    m["name"],
                    ptype,
                    "required" in flags,
                    opts.get("default"),
                    opts.get("example"),
                    m["doc"].strip(),
                    cls,
                )
            )
    if not title.get("de") or not title.get("en"):
        raise ValueError(f"{name}.rq: needs '# title@de:' and '# title@en:' lines")
    return NamedQuery(name, title, answers, tuple(params), text)


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Return every named query, by name (the file name without ``.rq``), sorted."""
    out: dict[str, NamedQuery] = {}
    for item in sorted(queries_dir().iterdir(), key=lambda t: t.name):
        if item.name.endswith(".rq"):
            name = item.name[: -len(".rq")]
            out[name] = parse_query_file(name, item.read_text(encoding="utf-8"))
    return out


def get_query(name: str) -> NamedQuery:
    """Return the named query ``name``.

    Raises
    ------
    NotFoundError
        Listing the names that exist.
    """
    try:
        return library()[name]
    except KeyError:
        raise NotFoundError(key="library.error.no_query", name=repr(name), queries=", ".join(library())) from None


_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _convert(param: Param, raw: str) -> OxTerm:
    """The value as a pyoxigraph term; :class:`InputError` (with a catalogue key) says why it does not fit.

    pyoxigraph's terms, not rdflib's: binding them, :func:`check_ids` and :func:`bind_query` need
    no import of rdflib (0.07-0.1 s of ``ikg query``).
    """
    from ikg.graph.iris import concept_graph_iri

    value = raw.strip()
    if param.type == "concept":
        if not value:
            raise InputError(key="library.reason.concept_needed")
        return ox.NamedNode(concept_graph_iri(value))
    if param.type in ("id", "string"):
        return ox.Literal(value)
    if param.type == "lang":
        if value not in LANGS:
            raise InputError(key="library.reason.lang")
        return ox.Literal(value)
    if param.type == "iri":
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            raise InputError(key="library.reason.iri_needed")
        try:
            return ox.NamedNode(value)
        except ValueError as exc:
            raise InputError(key="library.reason.bad_iri", detail=str(exc)) from None
    if param.type == "date":
        from ikg.graph.ingest.mapping import parse_date  # the import's date rule; loaded only when a date is bound

        lit = parse_date(value)
        if lit is None:
            raise InputError(key="library.reason.date")
        return as_ox_term(lit)
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise InputError(key="library.reason.integer")
        return ox.Literal(str(int(value)), datatype=_INTEGER)
    raise InputError(f"unknown type {param.type}")  # pragma: no cover - types are checked on load


#: one complaint about the parameters, said in a language
_Complaint = Callable[[Lang], str]


def _complaint(*, key: str, **params: Any) -> _Complaint:
    """The catalogue message ``key``; a parameter that is an error is said in the same language."""

    def say(lang: Lang) -> str:
        return t(key, lang, **{k: v.render(lang) if isinstance(v, IkgError) else v for k, v in params.items()})

    return say


class _ParametersError(InputError):
    """Everything wrong with a query's parameters, each complaint in the user's language."""

    def __init__(self, query: str, complaints: list[_Complaint]) -> None:
        self.complaints = complaints
        super().__init__(key="library.error.bad_params", query=query, errors=self._joined("en"))

    def _joined(self, lang: Lang) -> str:
        return "; ".join(complaint(lang) for complaint in self.complaints)

    def render(self, lang: Lang) -> str:
        """The message in ``lang``, every complaint included."""
        return t("library.error.bad_params", lang, query=self.params["query"], errors=self._joined(lang))


def bind_params(query: NamedQuery, raw: Mapping[str, str]) -> dict[str, OxTerm]:
    """Check parameter values against the query's declarations and convert them to RDF terms.

    The terms are pyoxigraph's (:func:`bind_query`, :func:`check_ids` and the stores take them as
    they take rdflib's), so that running a named query needs no import of rdflib.

    Raises
    ------
    InputError
        Naming every unknown, missing or ill-typed parameter at once.

    Examples
    --------
    >>> q = parse_query_file("x", "# title@de: T\\n# title@en: T\\n"
    ...     "# param n (integer, required, example=5): how many\\nSELECT ?n {}")
    >>> try:
    ...     bind_params(q, {"n": "viele"})
    ... except InputError as error:
    ...     print(error, error.render("de"), sep="\\n")
    query x: parameter n='viele' is not a valid integer: expected a whole number
    Abfrage x: Parameter n='viele' ist kein gültiger Wert vom Typ integer: erwartet wird eine ganze Zahl
    >>> print(bind_params(q, {"n": "+05"})["n"])
    "5"^^<http://www.w3.org/2001/XMLSchema#integer>
    """
    declared = {p.name: p for p in query.params}
    known = ", ".join(declared)
    complaints: list[_Complaint] = []
    for k in raw:
        if k not in declared:
            if known:
                complaints.append(_complaint(key="library.param.unknown", name=repr(k), known=known))
            else:
                complaints.append(_complaint(key="library.param.unknown_none", name=repr(k)))
    out: dict[str, OxTerm] = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        if value is None:
            if p.required:
                complaints.append(
                    _complaint(
                        key="library.param.missing",
                        name=p.name,
                        type=p.type,
                        example=p.example,
                        description=p.description,
                    )
                )
            continue
        try:
            out[p.name] = _convert(p, value)
        except InputError as exc:
            complaints.append(
                _complaint(key="library.param.invalid", name=p.name, value=repr(value), type=p.type, reason=exc)
            )
    if complaints:
        raise _ParametersError(query.name, complaints)
    return out


def bind_query(query: NamedQuery, bound: Mapping[str, Bound]) -> str:
    """Return the query's text with its checked parameters bound, ready to run on any store.

    :func:`~ikg.graph.store.sparql_text.bind_values` writes the ``VALUES`` blocks of the ``WHERE``
    group and of its ``GRAPH`` groups. A sub-``SELECT`` is a scope of its own, which that leaves
    alone; here the same one-row block is also put at the start of the ``WHERE`` group of each
    sub-``SELECT`` that projects a bound variable as it is (``?concept``, not ``(... AS ?concept)``
    nor ``*``) and has no ``LIMIT`` or ``OFFSET``. In the library such a sub-``SELECT`` is always
    joined where the variable is bound, so every row it gives for another value is dropped by that
    join anyway; bound inside, it never reads them (``cooperations`` at 10,000 actors in a store
    that also holds a small concept: the small concept's rows in 5 ms instead of 1.6 s).
    ``tests/test_queries.py`` checks that every library query gives the same rows either way.

    The terms are written by the RDF serialiser (as in ``bind_values``), never pasted from the
    values given.

    Examples
    --------
    >>> q = parse_query_file("x", "# title@de: T\\n# title@en: T\\n"
    ...     "SELECT ?n WHERE { { SELECT ?g ?n WHERE { GRAPH ?g { ?s ?p ?n } } } }")
    >>> from rdflib import URIRef
    >>> print(bind_query(q, {"g": URIRef("urn:g")}).splitlines()[-1].replace(" { SELECT", "\\n{ SELECT"))
    SELECT ?n WHERE { VALUES (?g) { (<urn:g>) }
    { SELECT ?g ?n WHERE { VALUES (?g) { (<urn:g>) } GRAPH ?g { ?s ?p ?n } } } }
    """
    text = query.text
    if bound:
        text = _bind_subselects(text, bound)
    return bind_values(text, bound)


def _bind_subselects(text: str, bound: Mapping[str, Bound]) -> str:
    """``VALUES`` blocks at the start of each sub-``SELECT`` that projects a bound variable (see :func:`bind_query`)."""
    tokens = tokenize(text)
    selects = [i for i, tok in enumerate(tokens) if tok.keyword == "SELECT"]
    depth_at = _brace_depths(tokens)
    inserts: list[tuple[int, str]] = []
    for i in selects:
        if depth_at[i] == 0:  # the query itself: bind_values binds it
            continue
        projected, brace = _projection(tokens, i)
        if brace is None:
            continue
        close = _closing(tokens, brace)
        modifiers = tokens[close + 1 : _closing_of_enclosing(tokens, close)]
        if any(t.keyword in ("LIMIT", "OFFSET") for t in modifiers):
            continue
        names = [n for n in bound if n in projected]
        if names:
            values = " ".join(str(as_ox_term(bound[n])) for n in names)
            inserts.append((tokens[brace].start + 1, f" VALUES ({' '.join('?' + n for n in names)}) {{ ({values}) }}"))
    for at, piece in sorted(inserts, reverse=True):
        text = text[:at] + piece + text[at:]
    return text


def _brace_depths(tokens: list[Token]) -> list[int]:
    """The number of ``{`` open before each token."""
    out, depth = [], 0
    for tok in tokens:
        out.append(depth)
        depth += (tok.text == "{") - (tok.text == "}")
    return out


def _projection(tokens: list[Token], select: int) -> tuple[set[str], int | None]:
    """The variables a sub-``SELECT`` projects as they are, and the index of its ``WHERE`` brace."""
    projected: set[str] = set()
    parens = 0
    for j in range(select + 1, len(tokens)):
        tok = tokens[j]
        if tok.text == "{":
            return projected, j
        if tok.text == "*":
            projected.clear()
            return projected, None  # everything in scope: left alone
        parens += (tok.text == "(") - (tok.text == ")")
        if tok.kind == "var" and parens == 0 and tokens[j - 1].keyword != "AS":
            projected.add(tok.text[1:])
    return projected, None


def _closing(tokens: list[Token], brace: int) -> int:
    depth = 0
    for j in range(brace, len(tokens)):
        depth += (tokens[j].text == "{") - (tokens[j].text == "}")
        if depth == 0:
            return j
    return len(tokens) - 1


def _closing_of_enclosing(tokens: list[Token], after: int) -> int:
    """The index of the ``}`` that closes the group around a sub-``SELECT`` ending at ``after``."""
    depth = 0
    for j in range(after + 1, len(tokens)):
        depth += (tokens[j].text == "{") - (tokens[j].text == "}")
        if depth < 0:
            return j
    return len(tokens)


@overload
def run_named(
    store: StoreLike,
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    check: bool = True,
    terms: Literal["rdflib"] = "rdflib",
) -> tuple[list[str], list[tuple[Node | None, ...]]]: ...


@overload
def run_named(
    store: StoreLike, name: str, params: Mapping[str, str] | None = None, *, check: bool = True, terms: Literal["ox"]
) -> tuple[list[str], list[tuple[OxTerm | None, ...]]]: ...


def run_named(
    store: StoreLike,
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    check: bool = True,
    terms: Terms = "rdflib",
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run a named query with checked, bound parameters; return variable names and rows.

    Parameters
    ----------
    store : StoreLike
        The embedded or the remote store.
    name : str
        The query's name (:func:`library`).
    params : mapping, optional
        Parameter name to the value as text; checked and converted by :func:`bind_params`.
    check : bool
        Make sure the concepts and ids given exist first (:func:`check_ids`).
    terms : {"rdflib", "ox"}
        The terms of the rows: rdflib's, or pyoxigraph's, which need no import of rdflib
        (``ikg query``; :mod:`ikg.api.formats.rows` writes both alike).

    Returns
    -------
    tuple of (list of str, list of tuple)
        The variable names and the rows (terms, ``None`` if unbound).

    Raises
    ------
    NotFoundError
        For an unknown query, and (when ``check``) a concept or an id that does not exist.
    InputError
        For unknown, missing or ill-typed parameters.
    QueryError
        If the query fails in the store.
    """
    query = get_query(name)
    bound = bind_params(query, params or {})
    if check:
        check_ids(store, query, bound)
    from ikg.graph.store.sparql import run_select_or_ask

    names, rows = run_select_or_ask(store, bind_query(query, bound), terms=terms)
    return names, sort_concat(names, rows, concat_columns(query.text))  # the same cells on any server
