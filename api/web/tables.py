"""Result tables for people: SPARQL rows with labels instead of IRIs, links, and a sort by column.

A cell that is the IRI of an actor, working group, goal, action field or task of a concept in
the store shows that thing's label in the page's language and links to its page; numbers and
dates are written as the language writes them; any other IRI stays as it is. Sorting is done
on the server (a link per column header), so it works without a script: numbers by value, text
with case and umlauts ignored (:func:`~ikg.api.web.insight.fold`), empty cells last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ikg.api.web.insight import concepts, fold, insight, kept
from ikg.api.web.render import Page
from ikg.graph.analysis.model import Item
from ikg.graph.i18n import format_date
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.base import StoreLike

__all__ = ["Cell", "ResultTable", "known_items", "result_table"]


@dataclass(frozen=True)
class Cell:
    """One cell as shown: its text, a link (or ""), and the key it sorts by."""

    text: str
    href: str = ""
    key: tuple[int, Any] = (2, "")


@dataclass
class ResultTable:
    """A table of results: the column names and the rows of cells, sorted as asked.

    Attributes
    ----------
    columns : list of str
        The variable names, in the query's order.
    rows : list of list of Cell
    sort : str
        The column sorted by ("" for the query's own order).
    descending : bool
    """

    columns: list[str]
    rows: list[list[Cell]]
    sort: str = ""
    descending: bool = False

    def sorted_by(self, column: str, descending: bool = False) -> ResultTable:
        """This table sorted by ``column`` (unknown column: unchanged); empty cells stay last."""
        if column not in self.columns:
            return self
        i = self.columns.index(column)
        filled = [r for r in self.rows if r[i].text != ""]
        empty = [r for r in self.rows if r[i].text == ""]
        filled.sort(key=lambda r: r[i].key, reverse=descending)
        return ResultTable(self.columns, filled + empty, column, descending)


def known_items(store: StoreLike) -> dict[str, tuple[str, Item]]:
    """Every actor, working group, goal, field and task of every concept, by IRI, with its concept id.

    A concept's named graph maps to an item of kind ``concept`` (its title as label). Built once
    per store state (13,000 entries at 10,000 actors).
    """

    known = [(info, insight(store, info.id)) for info in concepts(store)]  # outside kept(): it holds the lock

    def build() -> dict[str, tuple[str, Item]]:
        out: dict[str, tuple[str, Item]] = {}
        for info, found in known:
            graph = str(concept_graph(info.id))
            out[graph] = (info.id, Item(graph, info.id, "concept", info.title))
            for iri, item in found.network.items.items():
                out[iri] = (info.id, item)
        return out

    items: dict[str, tuple[str, Item]] = kept(store, "known_items", build)
    return items


def _cell(term: Node | None, page: Page, items: dict[str, tuple[str, Item]]) -> Cell:
    if term is None:
        return Cell("")
    if isinstance(term, URIRef):
        found = items.get(str(term))
        if found is None:
            return Cell(str(term), "", (1, fold(str(term))))
        concept, item = found
        label = item.label(page.lang)
        href = page.concept_href(concept) if item.kind == "concept" else page.thing_href(item.kind, item.id, concept)
        return Cell(label, href, (1, fold(label)))
    if isinstance(term, BNode):
        return Cell("_:" + str(term), "", (1, str(term)))
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return Cell(page.t("web.table.yes") if value else page.t("web.table.no"), "", (0, int(value)))
        if isinstance(value, int | float | Decimal):
            return Cell(page.num(value if isinstance(value, int) else float(value)), "", (0, float(value)))
        if isinstance(value, dt.date):
            return Cell(format_date(value, page.lang), "", (0, value.toordinal()))
        text = str(term)
        return Cell(text, "", (1, fold(text)))
    return Cell(str(term), "", (1, fold(str(term))))


def result_table(
    names: Sequence[str], rows: Sequence[Sequence[Node | None]], page: Page, store: StoreLike
) -> ResultTable:
    """The rows of a query as a :class:`ResultTable` for ``page`` (labels, links, numbers, dates).

    Parameters
    ----------
    names : sequence of str
        The variable names.
    rows : sequence of sequences
        rdflib terms, ``None`` for unbound.
    page : Page
        The page the table goes on (its language and links).
    store : StoreLike
        The store, for the labels of the things its concepts hold.

    Returns
    -------
    ResultTable
    """
    items = known_items(store)
    return ResultTable(list(names), [[_cell(term, page, items) for term in row] for row in rows])
