"""The spreadsheet format: which tables (files or sheets) and columns an import reads.

One CSV file or one XLSX sheet per kind. Canonical names are English; German aliases are accepted
for table names and column headers (case, surrounding spaces, umlauts and ``-``/space versus ``_``
ignored). List cells hold ids separated by ``|``; references are by id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

__all__ = ["SHEETS", "Column", "Sheet", "is_note", "normalise_name", "note_sheets", "sheet_for_name"]

ColumnType = Literal["id", "text", "ref", "refs", "date", "decimal", "choice", "choices"]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Attributes
    ----------
    name : str
        Canonical (English) header.
    alias : str
        German header.
    type : str
        ``id``, ``text``, ``ref`` (one id), ``refs`` (ids separated by ``|``), ``date``, ``decimal``
        or ``choice`` (a value of a controlled vocabulary).
    required : bool
        Whether a header and a value in every row are needed.
    target : str or None
        For references: the table referred to. For choices: the vocabulary.
    keeps_unknown : bool
        What a value outside the targets means when it is not close to one of them: for a
        reference, a name (a publisher that is no actor of the table); for a choice, "other",
        with the value kept as written (an event kind the list lacks). Such a value is then
        not an error; a choice outside the list is a warning.
    """

    name: str
    alias: str
    type: ColumnType = "text"
    required: bool = False
    target: str | None = None
    keeps_unknown: bool = False


@dataclass(frozen=True)
class Sheet:
    """One table of the spreadsheet format."""

    name: str
    alias: str
    columns: tuple[Column, ...]
    required: bool = False

    def column(self, name: str) -> Column:
        """Return the column with canonical ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_SOURCE = Column("source", "quelle")

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "concept",
        "konzept",
        (
            Column("id", "id", "id", True),
            Column("title", "titel", "text", True),
            Column("title_en", "titel_en"),
            Column("description", "beschreibung"),
            Column("description_en", "beschreibung_en"),
            Column("issued", "datum", "date"),
            Column("publisher", "herausgeber", "ref", target="actors", keeps_unknown=True),
            Column("revision_of", "fortschreibung_von", "ref", target="concept"),
            Column("required_actor_types", "pflicht_akteurstypen", "choices", target="actor_type"),
            _SOURCE,
        ),
        required=True,
    ),
    Sheet(
        "actors",
        "akteure",
        (
            Column("id", "id", "id", True),
            Column("name", "name", "text", True),
            Column("type", "typ", "choice", True, target="actor_type", keeps_unknown=True),
            Column("town", "ort"),
            Column("parent", "uebergeordnet", "ref", target="actors"),
            _SOURCE,
        ),
    ),
    Sheet(
        "working_groups",
        "arbeitsgruppen",
        (
            Column("id", "id", "id", True),
            Column("name", "name", "text", True),
            Column("name_en", "name_en"),
            Column("action_fields", "handlungsfelder", "refs", target="action_fields"),
            _SOURCE,
        ),
    ),
    Sheet(
        "memberships",
        "mitgliedschaften",
        (
            Column("actor", "akteur", "ref", True, target="actors"),
            Column("working_group", "arbeitsgruppe", "ref", True, target="working_groups"),
            Column("role", "rolle", "choice", target="role", keeps_unknown=True),
            Column("since", "seit", "date"),
            Column("until", "bis", "date"),
            _SOURCE,
        ),
    ),
    Sheet(
        "goals",
        "ziele",
        (
            Column("id", "id", "id", True),
            Column("title", "titel", "text", True),
            Column("title_en", "titel_en"),
            Column("action_fields", "handlungsfelder", "refs", target="action_fields"),
            Column("cross_cutting_tasks", "querschnittsaufgaben", "refs", target="cross_cutting_tasks"),
            Column("working_group", "arbeitsgruppe", "ref", target="working_groups"),
            Column("pursued_by", "verfolgt_von", "refs", target="actors"),
            Column("concerns", "betrifft", "refs", target="actors"),
            Column("broader", "oberziel", "ref", target="goals"),
            Column("level", "ebene", "choice", target="goal_level"),
            _SOURCE,
        ),
    ),
    Sheet(
        "action_fields",
        "handlungsfelder",
        (
            Column("id", "id", "id", True),
            Column("label", "bezeichnung", "text", True),
            Column("label_en", "bezeichnung_en"),
            Column("notation", "notation"),
            _SOURCE,
        ),
    ),
    Sheet(
        "cross_cutting_tasks",
        "querschnittsaufgaben",
        (
            Column("id", "id", "id", True),
            Column("label", "bezeichnung", "text", True),
            Column("label_en", "bezeichnung_en"),
            Column("notation", "notation"),
            _SOURCE,
        ),
    ),
    Sheet(
        "cooperations",
        "kooperationen",
        (
            Column("actor_a", "akteur_a", "ref", True, target="actors"),
            Column("actor_b", "akteur_b", "ref", True, target="actors"),
            Column("since", "seit", "date"),
            Column("description", "beschreibung"),
            _SOURCE,
        ),
    ),
    Sheet(
        "indicators",
        "indikatoren",
        (
            Column("id", "id", "id", True),
            Column("label", "bezeichnung", "text", True),
            Column("value", "wert", "decimal", True),
            Column("unit", "einheit"),
            Column("area", "gebiet"),
            Column("date", "datum", "date"),
            _SOURCE,
        ),
    ),
    Sheet(
        "events",
        "ereignisse",
        (
            Column("id", "id", "id", True),
            Column("label", "bezeichnung", "text", True),
            Column("date", "datum", "date", True),
            Column("kind", "art", "choice", target="event_kind", keeps_unknown=True),
            Column("actors", "akteure", "refs", target="actors"),
            _SOURCE,
        ),
    ),
)

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_name(name: str) -> str:
    """Normalise a table or column name for matching.

    Examples
    --------
    >>> normalise_name("  Übergeordnet ")
    'uebergeordnet'
    >>> normalise_name("Fortschreibung-von")
    'fortschreibung_von'
    """
    folded = name.strip().lower().translate(_FOLD)
    return re.sub(r"[\s\-]+", "_", folded)


_BY_NAME: dict[str, Sheet] = {}
for _sheet in SHEETS:
    _BY_NAME[_sheet.name] = _sheet
    _BY_NAME.setdefault(_sheet.alias, _sheet)


def sheet_for_name(name: str) -> Sheet | None:
    """Return the table a file stem or sheet title stands for, or ``None``.

    Examples
    --------
    >>> sheet_for_name("Mitgliedschaften").name
    'memberships'
    >>> sheet_for_name("notes") is None
    True
    """
    return _BY_NAME.get(normalise_name(name))


@cache
def note_sheets() -> frozenset[str]:
    """The sheets (and files, by stem) an import passes over without a word, normalised.

    They are what ``ikg template`` adds to a workbook or a CSV folder besides the tables: the
    instructions, the lists of drop-down values and the read-me file, in German and English,
    named by the same catalogue messages the template is written with.

    Examples
    --------
    >>> sorted(note_sheets())
    ['anleitung', 'instructions', 'liesmich', 'listen', 'lists', 'readme']
    """
    from ikg.graph.i18n import LANGS, t

    names = set()
    for lang in LANGS:
        names.add(t("sheets.sheet.guide", lang))
        names.add(t("sheets.sheet.lists", lang))
        names.add(t("sheets.file.readme", lang).rsplit(".", 1)[0])
    return frozenset(normalise_name(name) for name in names)


def is_note(name: str) -> bool:
    """Whether a sheet or file stem is one of :func:`note_sheets` (not a table, not a mistake).

    Examples
    --------
    >>> is_note("Anleitung"), is_note("LIESMICH"), is_note("Notizen")
    (True, True, False)
    """
    return normalise_name(name) in note_sheets()
