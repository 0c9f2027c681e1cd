"""Cells of the spreadsheet format: what a value of the graph looks like in a cell, per language.

The tables an export or a template holds are language-free (:data:`Cell`): ids and texts as
``str``, id lists as lists, dates as the ``xsd:date``/``gYearMonth``/``gYear`` literals the import
made, numbers as :class:`~decimal.Decimal`, choices as :class:`Choice`. Here they become what a
German or an English spreadsheet shows, always a form the import reads back to the same triples
(:func:`ikg.graph.ingest.rows.parse_date`, :func:`~ikg.graph.ingest.rows.parse_decimal`,
:func:`ikg.graph.resources.vocabulary`): choices as the German label or the English code, dates as
``30.06.2015`` or ``2015-06-30``, numbers as ``26,5`` or ``26.5`` (in a workbook: real dates and
numbers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD

from ikg.graph.cells import number_text, spreadsheet_safe
from ikg.graph.i18n import Lang
from ikg.graph.resources import ontology_graph
from ikg.graph.vocab import VOCABULARIES

__all__ = [
    "GOAL_LEVEL_WORDS",
    "Cell",
    "Choice",
    "choice_text",
    "choice_values",
    "csv_cell",
    "xlsx_cell",
]

#: the goal levels as each language writes them (both are among :data:`ikg.graph.vocab.GOAL_LEVELS`)
GOAL_LEVEL_WORDS: dict[str, dict[Lang, str]] = {
    "action_field": {"de": "Handlungsfeld", "en": "action_field"},
    "concept": {"de": "Konzept", "en": "concept"},
}
#: the code of the "other" concept of each vocabulary: listed last
_OTHER = "other"
#: Excel's number formats for dates of each language (the cell holds a real date)
DATE_FORMATS: dict[Lang, str] = {"de": "DD.MM.YYYY", "en": "YYYY-MM-DD"}


@dataclass(frozen=True)
class Choice:
    """The value of a choice column.

    Attributes
    ----------
    value : str
        The IRI of a concept of a vocabulary (:data:`ikg.graph.vocab.VOCABULARIES`), or a goal
        level (``concept``, ``action_field``).
    written : str or None
        The text the spreadsheet held when it was no value of the list (``ikg:asWritten``); it is
        written instead of the label of "other".
    """

    value: str
    written: str | None = None


#: one cell of a language-free table (``None``: empty)
Cell = str | list[str] | Literal | Decimal | Choice | list[Choice] | None


@cache
def _vocabulary_words() -> dict[str, dict[str, str]]:
    """Every concept of every vocabulary: IRI to its German label and English code."""
    graph = ontology_graph()
    words: dict[str, dict[str, str]] = {}
    for scheme in VOCABULARIES.values():
        for concept in graph.subjects(SKOS.inScheme, URIRef(scheme)):
            code = str(graph.value(concept, SKOS.notation) or str(concept).rsplit("/", 1)[-1])
            labels = {o.language: str(o) for o in graph.objects(concept, SKOS.prefLabel) if isinstance(o, Literal)}
            words[str(concept)] = {"de": labels.get("de", code), "en": code}
    return words


def choice_text(choice: Choice, lang: Lang) -> str:
    """The text of a choice cell: as written, else the German label or the English code.

    Examples
    --------
    >>> mo = "https://w3id.org/ikg/vocab/actor-type/migrant_organisation"
    >>> choice_text(Choice(mo), "de"), choice_text(Choice(mo), "en"), choice_text(Choice("concept"), "de")
    ('Migrantenorganisation', 'migrant_organisation', 'Konzept')
    >>> choice_text(Choice("https://w3id.org/ikg/vocab/event-kind/other", "Fachtag"), "de")
    'Fachtag'
    """
    if choice.written:
        return choice.written
    if choice.value in GOAL_LEVEL_WORDS:
        return GOAL_LEVEL_WORDS[choice.value][lang]
    words = _vocabulary_words().get(choice.value)
    return words[lang] if words else choice.value.rsplit("/", 1)[-1]


def choice_values(target: str, lang: Lang) -> list[str]:
    """The values a drop-down list of a choice column offers, sorted, "other" last.

    Parameters
    ----------
    target : str
        ``actor_type``, ``role``, ``event_kind`` or ``goal_level``.
    lang : Lang
        German labels or English codes.

    Examples
    --------
    >>> choice_values("role", "de"), choice_values("goal_level", "en")
    (['Gast', 'Koordination', 'Leitung', 'Mitglied', 'Sonstige'], ['action_field', 'concept'])
    """
    if target == "goal_level":
        return [words[lang] for words in GOAL_LEVEL_WORDS.values()]
    scheme = str(VOCABULARIES[target])
    graph = ontology_graph()
    iris = sorted(str(c) for c in graph.subjects(SKOS.inScheme, URIRef(scheme)))
    words = _vocabulary_words()
    values = sorted((words[i][lang] for i in iris if words[i]["en"] != _OTHER), key=str.casefold)
    return values + [words[i][lang] for i in iris if words[i]["en"] == _OTHER]


def _date_parts(lit: Literal) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(lit))
    except ValueError:
        return None


def date_text(lit: Literal, lang: Lang) -> str:
    """A date literal as text: ``30.06.2015``, ``06.2015``, ``2015`` (German) or its ISO form.

    Examples
    --------
    >>> day = Literal("2015-06-30", datatype=XSD.date)
    >>> month = Literal("2015-06", datatype=XSD.gYearMonth)
    >>> date_text(day, "de"), date_text(month, "de"), date_text(month, "en")
    ('30.06.2015', '06.2015', '2015-06')
    """
    text = str(lit)
    if lang != "de":
        return text
    if lit.datatype == XSD.gYearMonth and len(text) == 7:
        return f"{text[5:7]}.{text[:4]}"
    day = _date_parts(lit) if lit.datatype == XSD.date else None
    return day.strftime("%d.%m.%Y") if day else text


def decimal_text(number: Decimal, lang: Lang) -> str:
    """A number as text, never in exponent form: ``26,5`` (German) or ``26.5`` (the one rule of
    :func:`ikg.graph.cells.number_text`).

    Examples
    --------
    >>> decimal_text(Decimal("4E+1"), "de"), decimal_text(Decimal("-1234.5"), "de"), decimal_text(Decimal("0.1"), "en")
    ('40', '-1234,5', '0.1')
    """
    return number_text(number, lang)


def _list_text(values: list[str] | list[Choice], lang: Lang) -> str:
    return "|".join(choice_text(v, lang) if isinstance(v, Choice) else v for v in values)


def csv_cell(value: Cell, lang: Lang) -> str:
    """A cell of a CSV file: numbers and dates as the language writes them; text spreadsheet-safe.

    Text that starts like a formula (``=``, ``+``, ``-``, ``@``) gets an apostrophe
    (:func:`ikg.graph.cells.spreadsheet_safe`), which the import takes off again.

    Examples
    --------
    >>> csv_cell(Decimal("26.5"), "de"), csv_cell(["a", "b"], "en"), csv_cell("=1+1", "de"), csv_cell(None, "de")
    ('26,5', 'a|b', "'=1+1", '')
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value, lang)  # a number, never a formula: "-3,5" stays as it is
    if isinstance(value, Literal):
        return date_text(value, lang)
    if isinstance(value, Choice):
        return spreadsheet_safe(choice_text(value, lang))
    if isinstance(value, list):
        return spreadsheet_safe(_list_text(value, lang))
    return spreadsheet_safe(value)


def _number_format(number: Decimal) -> str:
    """Excel's format that shows a number with its own decimals and thousands separators."""
    exponent = number.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return "#,##0" + ("." + "0" * places if places else "")


def _as_number(number: Decimal) -> int | float | None:
    """The number a workbook cell holds for ``number``, ``None`` if a float would change it."""
    if number == number.to_integral_value() and abs(number) < 10**15:
        return int(number)
    approx = float(number)
    return approx if Decimal(repr(approx)) == number else None


def xlsx_cell(value: Cell, lang: Lang) -> tuple[Any, str | None]:
    """A cell of a workbook: the value openpyxl writes and its number format (``None``: as it is).

    Dates become dates (``DD.MM.YYYY`` in German), a year a number, a month ``06.2015`` text;
    numbers become numbers unless a float would change them (then text). Text is returned as
    ``str``: the writer stores it as text, never as a formula.

    Examples
    --------
    >>> xlsx_cell(Literal("2015-06-30", datatype=XSD.date), "de")
    (datetime.date(2015, 6, 30), 'DD.MM.YYYY')
    >>> xlsx_cell(Literal("2015", datatype=XSD.gYear), "de"), xlsx_cell(Decimal("26.5"), "de")
    ((2015, '0'), (26.5, '#,##0.0'))
    >>> xlsx_cell(Decimal("0.10000000000000000001"), "de")
    ('0,10000000000000000001', None)
    """
    if value is None:
        return None, None
    if isinstance(value, Decimal):
        number = _as_number(value)
        return (decimal_text(value, lang), None) if number is None else (number, _number_format(value))
    if isinstance(value, Literal):
        if value.datatype == XSD.date and (day := _date_parts(value)) is not None:
            return day, DATE_FORMATS[lang]
        if value.datatype == XSD.gYear and str(value).isdigit() and 1000 <= int(str(value)) <= 9999:
            return int(str(value)), "0"  # the import reads such a number as a year
        return date_text(value, lang), None
    if isinstance(value, Choice):
        return choice_text(value, lang), None
    if isinstance(value, list):
        return _list_text(value, lang), None
    return value, None
