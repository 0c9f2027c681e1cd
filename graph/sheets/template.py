"""The template: the spreadsheet format with instructions and a small example concept to start from.

The example is *Musterstadt*, invented: two rows in most tables (three actors, so that two
cooperations can be shown), which together import cleanly and show every kind of cell (a list
with ``|``, a date, a month, a year, a number with decimals, a choice, a reference). Its texts are
data, not words of ikg: titles and names are German (they become ``@de`` labels) and the
``*_en`` columns English, whichever language the template speaks; the headers, the instructions,
the choice values and the forms of dates and numbers follow the language.
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD

from ikg.graph.i18n import Lang
from ikg.graph.namespaces import AT, EK, ROLE
from ikg.graph.sheets.csvfiles import build_csv
from ikg.graph.sheets.order import Tables
from ikg.graph.sheets.values import Choice
from ikg.graph.sheets.workbook import build_workbook

__all__ = ["example_tables", "template_csv", "template_xlsx"]


def _day(text: str) -> Literal:
    return Literal(text, datatype=XSD.date)


def _month(text: str) -> Literal:
    return Literal(text, datatype=XSD.gYearMonth)


def _year(text: str) -> Literal:
    return Literal(text, datatype=XSD.gYear)


_CITY, _KI, _PARENTS = "stadt-musterstadt", "ki-musterstadt", "elternverein-bruecke"


def example_tables() -> Tables:
    """The example concept *Musterstadt 2025*, which revises *Musterstadt 2018*.

    Examples
    --------
    >>> tables = example_tables()
    >>> tables["concept"][0]["id"], [row["id"] for row in tables["actors"]]
    ('musterstadt-2025', ['stadt-musterstadt', 'ki-musterstadt', 'elternverein-bruecke'])
    """
    return {
        "concept": [
            {
                "id": "musterstadt-2025",
                "title": "Integrationskonzept Musterstadt 2025",
                "title_en": "Integration concept of Musterstadt 2025",
                "description": "Ein kleines, erfundenes Beispiel: so hängen die Tabellen zusammen.",
                "description_en": "A small, invented example: how the tables fit together.",
                "issued": _day("2025-06-30"),
                "publisher": _CITY,
                "revision_of": "musterstadt-2018",
                "required_actor_types": [Choice(str(AT.migrant_organisation))],
                "source": "Ratsbeschluss vom 30.06.2025",
            },
            {
                "id": "musterstadt-2018",
                "title": "Integrationskonzept Musterstadt 2018",
                "title_en": "Integration concept of Musterstadt 2018",
                "issued": _year("2018"),
                "publisher": _CITY,
            },
        ],
        "actors": [
            {"id": _CITY, "name": "Stadt Musterstadt", "type": Choice(str(AT.administration)), "town": "Musterstadt"},
            {
                "id": _KI,
                "name": "Kommunales Integrationszentrum Musterstadt",
                "type": Choice(str(AT.integration_centre)),
                "town": "Musterstadt",
                "parent": _CITY,
            },
            {
                "id": _PARENTS,
                "name": "Elternverein Brücke e. V.",
                "type": Choice(str(AT.migrant_organisation)),
                "town": "Musterstadt-Nord",
            },
        ],
        "working_groups": [
            {
                "id": "ag-sprache",
                "name": "AG Sprache",
                "name_en": "Working group language",
                "action_fields": ["sprache"],
            },
            {
                "id": "ag-arbeit",
                "name": "AG Arbeit und Beruf",
                "name_en": "Working group work and vocation",
                "action_fields": ["arbeit", "sprache"],
            },
        ],
        "memberships": [
            {"actor": _KI, "working_group": "ag-sprache", "role": Choice(str(ROLE.lead)), "since": _day("2024-02-01")},
            {
                "actor": _PARENTS,
                "working_group": "ag-sprache",
                "role": Choice(str(ROLE.member)),
                "since": _month("2024-06"),
                "until": _day("2026-12-31"),
            },
        ],
        "goals": [
            {
                "id": "z-sprachbildung",
                "title": "Durchgängige Sprachbildung von der Kita bis zum Beruf",
                "title_en": "Continuous language education from day care to work",
                "action_fields": ["arbeit", "sprache"],
                "cross_cutting_tasks": ["vernetzung"],
                "working_group": "ag-sprache",
                "pursued_by": [_PARENTS, _KI],
                "concerns": [_CITY],
                "broader": "k-teilhabe",
                "level": Choice("action_field"),
            },
            {
                "id": "k-teilhabe",
                "title": "Gleichberechtigte Teilhabe aller Menschen in Musterstadt",
                "title_en": "Equal participation of everyone in Musterstadt",
                "cross_cutting_tasks": ["oeffnung"],
                "pursued_by": [_CITY],
                "level": Choice("concept"),
            },
        ],
        "action_fields": [
            {"id": "sprache", "label": "Sprache", "label_en": "Language", "notation": "1"},
            {"id": "arbeit", "label": "Arbeit und Beruf", "label_en": "Work and vocation", "notation": "2"},
        ],
        "cross_cutting_tasks": [
            {"id": "vernetzung", "label": "Vernetzung", "label_en": "Networking", "notation": "1"},
            {
                "id": "oeffnung",
                "label": "Interkulturelle Öffnung",
                "label_en": "Intercultural opening",
                "notation": "2",
            },
        ],
        "cooperations": [
            {"actor_a": _PARENTS, "actor_b": _KI, "since": _year("2023"), "description": "Elterncafé mit Sprachkurs"},
            {
                "actor_a": _PARENTS,
                "actor_b": _CITY,
                "since": _day("2024-03-01"),
                "description": "Räume für die Treffen des Vereins",
            },
        ],
        "indicators": [
            {
                "id": "anteil-einwanderung",
                "label": "Anteil der Menschen mit Einwanderungsgeschichte",
                "value": Decimal("26.5"),
                "unit": "%",
                "area": "Musterstadt",
                "date": _day("2024-12-31"),
            },
            {
                "id": "sprachkursplaetze",
                "label": "Plätze in Sprachkursen",
                "value": Decimal("120"),
                "unit": "Plätze",
                "area": "Musterstadt",
                "date": _year("2024"),
            },
        ],
        "events": [
            {
                "id": "beschluss-2025",
                "label": "Ratsbeschluss zum Integrationskonzept",
                "date": _day("2025-06-30"),
                "kind": Choice(str(EK.decision)),
                "actors": [_CITY],
            },
            {
                "id": "fachtag-2024",
                "label": "Fachtag Sprachbildung",
                "date": _month("2024-11"),
                "kind": Choice(str(EK.meeting)),
                "actors": [_PARENTS, _KI],
            },
        ],
    }


def template_xlsx(lang: Lang) -> bytes:
    """The template as a workbook (instructions, a sheet per table with the example, lists)."""
    return build_workbook(example_tables(), lang)


def template_csv(lang: Lang) -> dict[str, bytes]:
    """The template as CSV files (one per table, with the example) and the read-me."""
    return build_csv(example_tables(), lang)
