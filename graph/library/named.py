"""The named query library: the ``.rq`` files in ``queries/``, their headers and parameters.

Each file starts with a comment header::

    # title@de: Mitglieder einer AG
    # title@en: Members of a working group
    # answers: Who sits in a working group, in which role ...
    # param wg_id (id, required, example=ag-sprache): id of the working group

A parameter binds the query variable of the same name, through a ``VALUES`` block
(:func:`ikg.graph.store.sparql_text.bind_values`), after its value was checked against its type:

``concept``  a concept id; binds the IRI of the concept's named graph
``id``       an id from the spreadsheet (``dcterms:identifier``); binds a string
``string``   any text; binds a string
``iri``      an absolute IRI
``lang``     ``de`` or ``en``
``date``     a date as in the spreadsheets (``2015-06-30``, ``30.06.2015``, ``2015``)
``integer``  a whole number
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.ingest.mapping import parse_date
from ikg.graph.namespaces import concept_graph
from ikg.graph.resources import queries_dir
from ikg.graph.store.embedded import Store
from ikg.graph.store.sparql import run_select_or_ask

__all__ = ["PARAM_TYPES", "NamedQuery", "Param", "bind_params", "get_query", "library", "parse_query_file", "run_named"]

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

    def as_dict(self) -> dict[str, object]:
        """Return the parameter as JSON-ready data."""
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "description": self.description,
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
        If the header lacks a title in German and English or a parameter line is malformed.

    Examples
    --------
    >>> q = parse_query_file("x", "# title@de: T\\n# title@en: T\\n# answers: A\\n"
    ...     "# param n (integer, optional, default=3, example=5): how many\\nSELECT ?n {}")
    >>> q.params[0].type, q.params[0].default, q.params[0].required
    ('integer', '3', False)
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
            params.append(
                Param(m["name"], ptype, "required" in flags, opts.get("default"), opts.get("example"), m["doc"].strip())
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
        raise NotFoundError(f"no query named {name!r} (queries: {', '.join(library())})") from None


def _convert(param: Param, raw: str) -> Node:
    value = raw.strip()
    if param.type == "concept":
        if not value:
            raise ValueError("a concept id is needed")
        return concept_graph(value)
    if param.type in ("id", "string"):
        return Literal(value)
    if param.type == "lang":
        if value not in ("de", "en"):
            raise ValueError("use de or en")
        return Literal(value)
    if param.type == "iri":
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            raise ValueError("an absolute IRI is needed, e.g. https://w3id.org/ikg/id/...")
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ValueError(f"not a valid IRI ({exc})") from None
        return URIRef(value)
    if param.type == "date":
        lit = parse_date(value)
        if lit is None:
            raise ValueError("expected a date such as 2015-06-30, 30.06.2015 or 2015")
        return lit
    if param.type == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError("expected a whole number")
        return Literal(int(value), datatype=XSD.integer)
    raise ValueError(f"unknown type {param.type}")  # pragma: no cover - types are checked on load


def bind_params(query: NamedQuery, raw: Mapping[str, str]) -> dict[str, Node]:
    """Check parameter values against the query's declarations and convert them to RDF terms.

    Raises
    ------
    InputError
        Naming every unknown, missing or ill-typed parameter at once.
    """
    declared = {p.name: p for p in query.params}
    known = ", ".join(declared) or "none"
    errors = [f"unknown parameter {k!r} (parameters: {known})" for k in raw if k not in declared]
    out: dict[str, Node] = {}
    for p in query.params:
        value = raw.get(p.name, p.default)
        if value is None:
            if p.required:
                errors.append(f"missing parameter {p.name} ({p.type}, e.g. {p.example}): {p.description}")
            continue
        try:
            out[p.name] = _convert(p, value)
        except ValueError as exc:
            errors.append(f"parameter {p.name}={value!r} is not a valid {p.type}: {exc}")
    if errors:
        raise InputError(f"query {query.name}: " + "; ".join(errors))
    return out


def run_named(
    store: Store, name: str, params: Mapping[str, str] | None = None
) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    """Run a named query with checked, bound parameters; return variable names and rows."""
    query = get_query(name)
    return run_select_or_ask(store, query.text, bind_params(query, params or {}))
