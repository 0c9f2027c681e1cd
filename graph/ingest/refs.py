"""Rows checked against each other: ids listed once, references to rows that exist, choices
resolved to the vocabulary's IRIs, pairs (memberships, cooperations) listed once.

A check does not change the rows it looks at (:class:`~ikg.graph.ingest.rows.Row` is immutable):
:func:`check_refs` returns what it found for one row, and :func:`check_references` and
:func:`check_pairs` return new rows that carry those findings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from ikg.graph.i18n import LANGS, t
from ikg.graph.ingest.problems import Problem
from ikg.graph.ingest.rows import Row
from ikg.graph.ingest.schema import SHEETS, Column, Sheet, normalise_name
from ikg.graph.resources import ontology_graph, vocabulary
from ikg.graph.spelling import closest
from ikg.graph.vocab import GOAL_LEVELS

__all__ = ["AS_WRITTEN", "Findings", "check_pairs", "check_references", "check_refs"]

#: the key of :attr:`Findings.values` that holds a value kept as written (see :class:`Findings`)
AS_WRITTEN = "as_written"
#: how ids are written (lower case, digits, ``-``, ``_``, ``.``): a value written otherwise is a name
_ID_LIKE = re.compile(r"[a-z0-9][a-z0-9_.\-]*")


@dataclass(frozen=True)
class Findings:
    """What checking one row's references and choices found.

    Attributes
    ----------
    problems : tuple of Problem
        Unknown references, references of a row to itself, values outside a vocabulary.
    values : mapping
        The row's values, each choice resolved: an IRI (or a goal level) for ``choice``, a list
        of those for ``choices``. A value outside the vocabulary is left out, unless its column
        keeps unknown values (:attr:`~ikg.graph.ingest.schema.Column.keeps_unknown`): then a
        choice is "other" and a reference is no reference, and the cell as written is under
        :data:`AS_WRITTEN` (a table has at most one such column).
    """

    problems: tuple[Problem, ...]
    values: Mapping[str, Any]


@cache
def _allowed(target: str) -> dict[str, str]:
    """The values a choice column accepts, as a problem lists them in each language.

    English lists the codes (``migrant_organisation``), German the German labels
    (``Migrantenorganisation``); the column accepts both.

    Examples
    --------
    >>> _allowed("goal_level")["de"], _allowed("role")["de"]
    ('Handlungsfeld, Konzept', 'Gast, Koordination, Leitung, Mitglied, Sonstige')
    >>> _allowed("role")["en"]
    'coordination, guest, lead, member, other'
    """
    if target == "goal_level":
        return {lang: t("ingest.goal_levels", lang) for lang in LANGS}
    vocab = vocabulary(target)
    codes = sorted({k for k, v in vocab.items() if v.rsplit("/", 1)[-1] == k})
    graph = ontology_graph()
    labels: dict[str, list[str]] = {lang: [] for lang in LANGS if lang != "en"}
    for iri in sorted(set(vocab.values())):
        names = {x.language: str(x) for x in graph.objects(URIRef(iri), SKOS.prefLabel) if isinstance(x, Literal)}
        for lang, found in labels.items():
            found.append(names.get(lang) or iri.rsplit("/", 1)[-1])
    out = {lang: ", ".join(sorted(found, key=normalise_name)) for lang, found in labels.items()}
    out["en"] = ", ".join(codes)
    return out


def _resolve_choice(col: Column, value: str) -> URIRef | str | None:
    """The vocabulary's IRI (or the goal level) a choice cell names, ``None`` if it names none."""
    if col.target == "goal_level":
        return GOAL_LEVELS.get(normalise_name(value))
    iri = vocabulary(col.target or "").get(normalise_name(value))
    return None if iri is None else URIRef(iri)


def _spellings(target: str) -> dict[str, str]:
    """Every accepted spelling of a vocabulary (normalised) to what it stands for."""
    return dict(GOAL_LEVELS) if target == "goal_level" else vocabulary(target)


def _near_choice(col: Column, value: str) -> str | None:
    """The value of the vocabulary a cell most likely means (a typing error), ``None`` if none is close.

    Examples
    --------
    >>> _near_choice(SHEETS[1].column("type"), "Sportverien")
    'https://w3id.org/ikg/vocab/actor-type/sports_club'
    >>> _near_choice(SHEETS[1].column("type"), "Fachtag") is None
    True
    """
    spellings = _spellings(col.target or "")
    found = closest(value, spellings)
    return None if found is None else spellings[found]


def _choice_label(target: str, value: str) -> dict[str, str]:
    """A vocabulary value as a message names it: German label, English code.

    Examples
    --------
    >>> _choice_label("actor_type", "https://w3id.org/ikg/vocab/actor-type/sports_club")
    {'de': 'Sportverein', 'en': 'sports_club'}
    """
    if target == "goal_level":
        de = {"action_field": "Handlungsfeld", "concept": "Konzept"}
        return {"de": de.get(value, value), "en": value}
    names = {
        x.language: str(x) for x in ontology_graph().objects(URIRef(value), SKOS.prefLabel) if isinstance(x, Literal)
    }
    code = value.rsplit("/", 1)[-1]
    return {lang: (code if lang == "en" else names.get(lang, code)) for lang in LANGS}


def _near_id(value: str, ids: Mapping[str, int]) -> str | None:
    """The id of a table a reference most likely means, ``None`` if none is close.

    Examples
    --------
    >>> _near_id("ag-sprach", {"ag-sprache": 2, "ag-arbeit": 3})
    'ag-sprache'
    >>> _near_id("Landrat", {"ki-mettmann": 2}) is None
    True
    """
    return closest(value, ids)


def _choice_problem(row: Row, col: Column, given: str) -> tuple[Problem, str | None]:
    """What a choice outside the list is: an error (with the closest value, if one is near) or,
    in a column that keeps unknown values, a warning; and then the IRI of "other"."""
    target = col.target or ""
    allowed = dict(_allowed(target))
    near = _near_choice(col, given)
    if near is not None:
        suggestion = _choice_label(target, near)
        return row.problem("bad_choice_near", col, value=given, suggestion=suggestion, allowed=allowed), None
    if col.keeps_unknown:
        other = vocabulary(target)["other"]
        problem = row.problem("other_choice", col, value=given, other=_choice_label(target, other), allowed=allowed)
        warning = replace(problem, severity="warning")
        return warning, other
    return row.problem("bad_choice", col, value=given, allowed=allowed), None


def _ref_problem(row: Row, col: Column, ref: str, targets: Mapping[str, int]) -> Problem | None:
    """What a reference to no row is: an error (with the closest id, if one is near), or nothing
    when the column keeps a value that is no id as a name.

    In such a column, a value is taken for a mistyped id only when it is written like an id
    (``kreis-mettman``); ``Kreis Mettmann`` is a name, however close to the id ``kreis-mettmann``.
    """
    near = _near_id(ref, targets)
    if col.keeps_unknown and (near is None or not _ID_LIKE.fullmatch(ref)):
        return None
    if near is not None:
        return row.problem("unknown_reference_near", col, value=ref, target=col.target, suggestion=near)
    return row.problem("unknown_reference", col, value=ref, target=col.target)


def _index_ids(sheet: Sheet, rows: Sequence[Row]) -> tuple[dict[str, int], dict[int, Problem]]:
    """The ids of a table (to the row that first has each), and a problem for each repeat.

    The repeats are keyed by the position of their row in ``rows``.
    """
    first: dict[str, int] = {}
    repeats: dict[int, Problem] = {}
    for i, row in enumerate(rows):
        key = row.get("id")
        if key is None:
            continue
        if key in first:
            repeats[i] = row.problem("duplicate_id", sheet.column("id"), value=key, first_row=first[key])
            continue
        first[key] = row.number
    return first, repeats


def check_refs(sheet: Sheet, row: Row, ids: Mapping[str, Mapping[str, int]]) -> Findings:
    """Check the references and choices of one row; the row is not changed.

    Parameters
    ----------
    sheet : Sheet
        The table the row is in.
    row : Row
    ids : mapping
        Table name to the ids it holds (each to the row number that has it).

    Returns
    -------
    Findings
        The problems, and the row's values with the choices resolved.
    """
    problems: list[Problem] = []
    values = dict(row.values)
    for col in sheet.columns:
        value = row.get(col.name)
        if value is None:
            continue
        if col.type in ("ref", "refs"):
            targets = ids.get(col.target or "", {})
            for ref in value if isinstance(value, list) else [value]:
                if ref in targets:
                    if col.target == sheet.name and ref == row.get("id"):
                        problems.append(row.problem("self_reference", col, value=ref))
                    continue
                problem = _ref_problem(row, col, ref, targets)
                if problem is not None:
                    problems.append(problem)
                else:  # kept as written: a name, not a reference
                    values[AS_WRITTEN] = values.pop(col.name)
        elif col.type in ("choice", "choices"):
            resolved: list[URIRef | str] = []
            for given in value if isinstance(value, list) else [value]:
                found = _resolve_choice(col, given)
                if found is None:
                    problem, other = _choice_problem(row, col, given)
                    problems.append(problem)
                    if other is not None:
                        found = URIRef(other)
                        values[AS_WRITTEN] = given
                if found is not None:
                    resolved.append(found)
            if col.type == "choices":
                values[col.name] = resolved
            elif resolved:
                values[col.name] = resolved[0]
            else:
                del values[col.name]
    return Findings(tuple(problems), values)


def check_references(rows: Mapping[str, Sequence[Row]]) -> dict[str, list[Row]]:
    """Check the ids, references and choices of every table.

    Parameters
    ----------
    rows : mapping
        Table name to its parsed rows (:func:`ikg.graph.ingest.rows.parse_row`).

    Returns
    -------
    dict
        Table name to new rows, for every table of :data:`~ikg.graph.ingest.schema.SHEETS` in
        that order: the values with choices resolved (:class:`Findings`), and after the row's own
        problems, a repeated id, then the problems with its references and choices.
    """
    ids: dict[str, dict[str, int]] = {}
    repeats: dict[str, dict[int, Problem]] = {}
    for sheet in SHEETS:
        if any(c.name == "id" for c in sheet.columns):
            ids[sheet.name], repeats[sheet.name] = _index_ids(sheet, rows.get(sheet.name, ()))
    checked: dict[str, list[Row]] = {}
    for sheet in SHEETS:
        table_repeats = repeats.get(sheet.name, {})
        out: list[Row] = []
        for i, row in enumerate(rows.get(sheet.name, ())):
            found = check_refs(sheet, row, ids)
            repeat = (table_repeats[i],) if i in table_repeats else ()
            out.append(Row(row.table, row.number, found.values, row.problems + repeat + found.problems))
        checked[sheet.name] = out
    return checked


def check_pairs(
    rows: Sequence[Row], first: str, second: str, *, symmetric: bool = False
) -> tuple[list[Row], list[Row]]:
    """Find the rows that repeat a pair of references (a membership, a cooperation).

    Parameters
    ----------
    rows : sequence of Row
        The rows of one table.
    first, second : str
        The columns that make the pair.
    symmetric : bool
        The pair has no order (``a / b`` repeats ``b / a``), and a row that pairs a thing with
        itself is a problem (``self_reference``, in column ``second``).

    Returns
    -------
    checked : list of Row
        Every row, those found wanting as a new row with the problem (``duplicate_row`` in
        column ``first``) added.
    distinct : list of Row
        The rows to map: both cells filled, and neither a repeat nor a pair with itself.
    """
    seen: dict[tuple[str, str], int] = {}
    checked: list[Row] = []
    distinct: list[Row] = []
    for row in rows:
        a, b = row.get(first), row.get(second)
        problem: Problem | None = None
        if a is None or b is None:
            pass
        elif symmetric and a == b:
            problem = row.problem("self_reference", row.table.sheet.column(second), value=a)
        else:
            pair = (b, a) if symmetric and b < a else (a, b)
            if pair in seen:
                column = row.table.sheet.column(first)
                problem = row.problem("duplicate_row", column, value=f"{a} / {b}", first_row=seen[pair])
            else:
                seen[pair] = row.number
                distinct.append(row)
        checked.append(row if problem is None else Row(row.table, row.number, row.values, (*row.problems, problem)))
    return checked, distinct
