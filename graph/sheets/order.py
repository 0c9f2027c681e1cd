"""The order of a table's rows and their ``source`` cells, as the spreadsheet had them.

The graph keeps no row order, but a row imported without a ``source`` cell was given the source
``"{concept}: {table}, row {n}"`` (:mod:`ikg.graph.ingest.mapping`): such a row goes back to row
``n``. Rows with a source of their own fill the other places, ordered by id. A source cell is left
empty exactly when the source is the text the import would give the row where it now stands, so
that importing the rows again gives the same sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ikg.graph.sheets.values import Cell

__all__ = ["Record", "Tables", "arrange"]

#: table name to its rows, each a cell per canonical column (missing: empty)
Tables = dict[str, list[dict[str, Cell]]]


@dataclass
class Record:
    """One row before it has its place: its cells, sort key and the source the graph names.

    Attributes
    ----------
    cells : dict
        Canonical column to cell, without ``source``.
    key : tuple of str
        Orders the rows whose place is unknown.
    source : str or None
        The source's label (``rdfs:label`` of ``prov:wasDerivedFrom``).
    """

    cells: dict[str, Cell]
    key: tuple[str, ...]
    source: str | None = None
    number: int | None = field(default=None, init=False)


def _default_source(concept_id: str, table: str, number: int) -> str:
    """The source the import gives a row without one (see :mod:`ikg.graph.ingest.mapping`)."""
    return f"{concept_id}: {table}, row {number}"


def arrange(records: Sequence[Record], concept_id: str, table: str, first: int = 2) -> list[dict[str, Cell]]:
    """Put the rows of one table in order and fill in their ``source`` cells.

    Parameters
    ----------
    records : sequence of Record
    concept_id, table : str
        For the default source text ``"{concept_id}: {table}, row {n}"``.
    first : int
        The spreadsheet row of the first record (2: right under the header).

    Returns
    -------
    list of dict
        The rows: a record whose source is a default text at its row number where it can; the
        others in the free places, by key; ``source`` empty where the default text of the row's
        new place says the same.

    Examples
    --------
    >>> rows = [Record({"id": "b"}, ("b",), "Amt"), Record({"id": "c"}, ("c",), "k: actors, row 2")]
    >>> [(r["id"], r["source"]) for r in arrange(rows, "k", "actors")]
    [('c', None), ('b', 'Amt')]
    """
    prefix = f"{concept_id}: {table}, row "
    for record in records:
        text = record.source or ""
        record.number = int(text[len(prefix) :]) if text.startswith(prefix) and text[len(prefix) :].isdigit() else None
    known = sorted((r for r in records if r.number is not None), key=lambda r: (r.number or 0, r.key))
    other = sorted((r for r in records if r.number is None), key=lambda r: r.key)
    ordered: list[Record] = []
    place = first
    while known or other:
        take_known = bool(known) and (not other or (known[0].number or 0) <= place)
        ordered.append(known.pop(0) if take_known else other.pop(0))
        place += 1
    rows = []
    for number, record in enumerate(ordered, start=first):
        same = record.source == _default_source(concept_id, table, number)
        rows.append({**record.cells, "source": None if same else record.source})
    return rows
