"""Result tables for people: SPARQL rows with labels instead of IRIs, links, and a sort by column.

A cell that is the IRI of an actor, working group, goal, action field or task of a concept in
the store shows that thing's label in the page's language and links to its page; numbers and
dates are written as the language writes them; any other IRI stays as it is. The headers and the
codes of some columns (``member_of``) have words in the page's language (:mod:`~ikg.api.web.columns`),
and so have the notations of the ontology's vocabularies in ``type`` and ``role`` (``lead``),
the variable names and codes stay at hand for the raw view (the SPARQL editor). Sorting is done
on the server (a link per column header), so it works without a script: numbers by value, text
with case and umlauts ignored (:func:`~ikg.api.web.insight.fold`), empty cells last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

from ikg.api.web.columns import coded_value, column_label
from ikg.api.web.insight import concepts, fold, insight, kept
from ikg.api.web.render import Page
from ikg.graph.analysis.model import Item
from ikg.graph.i18n import format_date
from ikg.graph.namespaces import concept_graph
from ikg.graph.store.base import StoreLike

__all__ = ["VOCABULARY_COLUMNS", "Cell", "ResultTable", "known_items", "result_table", "vocabulary_words"]

#: columns whose plain literals are notations of a vocabulary of the ontology (``skos:notation``),
#: shown as that concept's label in the page's language: column name to the scheme's IRI
VOCABULARY_COLUMNS = {
    "type": "https://w3id.org/ikg/ns#ActorTypes",
    "role": "https://w3id.org/ikg/ns#Roles",
}
_VOCABULARY = """SELECT ?scheme ?n ?lang ?label WHERE {
  GRAPH ?v { ?t <http://www.w3.org/2004/02/skos/core#inScheme> ?scheme ;
                <http://www.w3.org/2004/02/skos/core#notation> ?n ;
                <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }
  BIND(lang(?label) AS ?lang) FILTER(?lang IN ("de", "en")) }"""


@dataclass(frozen=True)
class Cell:
    """One cell as shown: its text, a link (or ""), the key it sorts by, and the code it stands for.

    ``code`` is the literal as the query gave it when ``text`` is the words for a code
    (``member_of``), else "".
    """

    text: str
    href: str = ""
    key: tuple[int, Any] = (2, "")
    code: str = ""


@dataclass
class ResultTable:
    """A table of results: the column names and the rows of cells, sorted as asked.

    Attributes
    ----------
    columns : list of str
        The variable names, in the query's order (the names sorting goes by).
    rows : list of list of Cell
    sort : str
        The column sorted by ("" for the query's own order).
    descending : bool
    labels : list of str
        The header of each column in the page's language (the variable name where the catalogue
        has none); when empty, the headers are the variable names.
    """

    columns: list[str]
    rows: list[list[Cell]]
    sort: str = ""
    descending: bool = False
    labels: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[tuple[str, str]]:
        """Each column as (variable name, header in the page's language)."""
        labels = self.labels if len(self.labels) == len(self.columns) else self.columns
        return list(zip(self.columns, labels, strict=True))

    def sorted_by(self, column: str, descending: bool = False) -> ResultTable:
        """This table sorted by ``column`` (unknown column: unchanged); empty cells stay last."""
        if column not in self.columns:
            return self
        i = self.columns.index(column)
        filled = [r for r in self.rows if r[i].text != ""]
        empty = [r for r in self.rows if r[i].text == ""]
        filled.sort(key=lambda r: r[i].key, reverse=descending)
        return ResultTable(self.columns, filled + empty, column, descending, self.labels)


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


def vocabulary_words(store: StoreLike) -> dict[tuple[str, str], dict[str, str]]:
    """The labels of the ontology's vocabularies: (scheme IRI, notation) to ``{"de": ..., "en": ...}``.

    Read once per store state; what a ``type`` or ``role`` cell (``integration_centre``,
    ``coordination``) says in words.
    """

    def build() -> dict[tuple[str, str], dict[str, str]]:
        out: dict[tuple[str, str], dict[str, str]] = {}
        for scheme, notation, lang, label in store.select_values(_VOCABULARY)[1]:
            if scheme and notation and lang and label:
                out.setdefault((scheme, notation), {})[lang] = label
        return out

    words: dict[tuple[str, str], dict[str, str]] = kept(store, "vocabulary_words", build)
    return words


def _words(column: str, text: str, page: Page, vocabulary: dict[tuple[str, str], dict[str, str]]) -> str | None:
    """The words for a code (``member_of``) or a vocabulary notation (``lead``) in ``column``, if any."""
    words = coded_value(column, text, page.lang)
    if words is None and column in VOCABULARY_COLUMNS:
        labels = vocabulary.get((VOCABULARY_COLUMNS[column], text), {})
        words = labels.get(page.lang) or next(iter(labels.values()), None)
    return words


def _cell(
    term: Node | None,
    page: Page,
    items: dict[str, tuple[str, Item]],
    column: str = "",
    vocabulary: dict[tuple[str, str], dict[str, str]] | None = None,
) -> Cell:
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
        words = _words(column, text, page, vocabulary or {}) if _plain(term) else None
        if words is not None:
            return Cell(words, "", (1, fold(words)), text)
        return Cell(text, "", (1, fold(text)))
    return Cell(str(term), "", (1, fold(str(term))))


def _plain(term: Literal) -> bool:
    """Whether ``term`` is a plain literal: no language tag, no datatype but ``xsd:string``."""
    return term.language is None and term.datatype in (None, XSD.string)


def result_table(
    names: Sequence[str], rows: Sequence[Sequence[Node | None]], page: Page, store: StoreLike
) -> ResultTable:
    """The rows of a query as a :class:`ResultTable` for ``page`` (labels, links, numbers, dates).

    The headers and the codes of the :data:`~ikg.api.web.columns.CODED_COLUMNS` are in the page's
    language; the variable names stay the table's ``columns`` (sorting and links use them) and
    each translated cell keeps its code.

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
    vocabulary = vocabulary_words(store)
    columns = list(names)
    cells = [
        [_cell(term, page, items, columns[i] if i < len(columns) else "", vocabulary) for i, term in enumerate(row)]
        for row in rows
    ]
    return ResultTable(columns, cells, labels=[column_label(name, page.lang) for name in columns])
