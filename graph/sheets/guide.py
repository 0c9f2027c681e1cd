"""The words of a template or an export: the instructions, the hints of each column, the names.

Every text comes from the catalogue (``graph/locale/<lang>/LC_MESSAGES/sheets.po``). The
instructions are the first sheet of a workbook and the ``LIESMICH.txt``/``README.txt`` of a CSV
folder: what each table is, its required columns, how lists, dates and numbers are written, that
rows refer to each other by id, and how to import the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Kind

from ikg.graph.i18n import Lang, t
from ikg.graph.ingest.schema import SHEETS, Column, Sheet
from ikg.graph.sheets.values import choice_values

__all__ = [
    "CHOICE_LISTS",
    "Line",
    "column_hint",
    "column_title",
    "csv_delimiter",
    "guide_lines",
    "list_name",
    "sheet_title",
]

#: the vocabularies of the choice columns, in the order of the lists sheet
CHOICE_LISTS: tuple[str, ...] = ("actor_type", "role", "event_kind", "goal_level")


@dataclass(frozen=True)
class Line:
    """One line of the instructions: its text and how it is shown (``title``, ``heading``, ``text``)."""

    text: str
    style: Kind["title", "heading", "text"] = "text"


def sheet_title(sheet: Sheet, lang: Lang) -> str:
    """The name of a table's sheet or file: the German alias or the English name."""
    return sheet.alias if lang == "de" else sheet.name


def column_title(column: Column, lang: Lang) -> str:
    """The header of a column: the German alias or the English name."""
    return column.alias if lang == "de" else column.name


def _target_title(column: Column, lang: Lang) -> str:
    target = next((s for s in SHEETS if s.name == column.target), None)
    return sheet_title(target, lang) if target else str(column.target)


def list_name(target: str, lang: Lang) -> str:
    """The name of a vocabulary, as the lists sheet and the instructions call it."""
    names = {
        "actor_type": t("sheets.list.actor_type", lang),
        "role": t("sheets.list.role", lang),
        "event_kind": t("sheets.list.event_kind", lang),
        "goal_level": t("sheets.list.goal_level", lang),
    }
    return names[target]


def _table_text(sheet: Sheet, lang: Lang) -> str:
    texts = {
        "concept": t("sheets.table.concept", lang),
        "actors": t("sheets.table.actors", lang),
        "working_groups": t("sheets.table.working_groups", lang),
        "memberships": t("sheets.table.memberships", lang),
        "goals": t("sheets.table.goals", lang),
        "action_fields": t("sheets.table.action_fields", lang),
        "cross_cutting_tasks": t("sheets.table.cross_cutting_tasks", lang),
        "cooperations": t("sheets.table.cooperations", lang),
        "indicators": t("sheets.table.indicators", lang),
        "events": t("sheets.table.events", lang),
    }
    return texts[sheet.name]


def column_hint(column: Column, lang: Lang) -> str:
    """What a cell of the column holds, for the input message of a workbook (at most 255 characters).

    Examples
    --------
    >>> column_hint(SHEETS[3].column("actor"), "en")
    'Required. The id of a row of the sheet actors.'
    """
    keeps = column.keeps_unknown
    target = _target_title(column, lang)
    if column.type == "id":
        hint = t("sheets.hint.id", lang)
    elif column.type == "ref":
        hint = t("sheets.hint.ref_or_name", lang, sheet=target) if keeps else t("sheets.hint.ref", lang, sheet=target)
    elif column.type == "refs":
        hint = t("sheets.hint.refs", lang, sheet=target)
    elif column.type == "choice":
        hint = t("sheets.hint.choice_other", lang) if keeps else t("sheets.hint.choice", lang)
    elif column.type == "choices":
        hint = t("sheets.hint.choices", lang)
    elif column.type == "date":
        hint = t("sheets.hint.date", lang)
    elif column.type == "decimal":
        hint = t("sheets.hint.decimal", lang)
    elif column.name == "source":
        hint = t("sheets.hint.source", lang)
    elif column.name.endswith("_en"):
        hint = t("sheets.hint.english", lang)
    else:
        hint = ""
    if column.required:
        required = t("sheets.hint.required", lang)
        hint = f"{required} {hint}" if hint else required
    return hint[:255]


def _required(sheet: Sheet, lang: Lang) -> str:
    return ", ".join(column_title(c, lang) for c in sheet.columns if c.required)


def _rules(lang: Lang, fmt: str, file: str) -> list[Line]:
    concept = sheet_title(SHEETS[0], lang)
    lines = [
        Line(t("sheets.guide.rules", lang), "heading"),
        Line(t("sheets.guide.rule.header", lang)),
        Line(t("sheets.guide.rule.required", lang, concept=concept)),
        Line(t("sheets.guide.rule.ids", lang)),
        Line(t("sheets.guide.rule.lists", lang)),
        Line(t("sheets.guide.rule.dates", lang)),
        Line(t("sheets.guide.rule.numbers", lang)),
        Line(t("sheets.guide.rule.choices", lang)),
        Line(t("sheets.guide.rule.source", lang)),
    ]
    if fmt == "xlsx":
        guide, lists = t("sheets.sheet.guide", lang), t("sheets.sheet.lists", lang)
        lines.append(Line(t("sheets.guide.rule.dropdowns", lang, guide=guide, lists=lists)))
    else:
        lines.append(Line(t("sheets.guide.rule.csv", lang, delimiter=csv_delimiter(lang))))
        lines.append(Line(t("sheets.guide.rule.apostrophe", lang)))
    lines += [
        Line(t("sheets.guide.import", lang), "heading"),
        Line(t("sheets.guide.import.how", lang, file=file)),
    ]
    return lines


def csv_delimiter(lang: Lang) -> str:
    """The delimiter of the CSV files: ``;`` as German Excel writes, ``,`` in English."""
    return ";" if lang == "de" else ","


def guide_lines(lang: Lang, fmt: str, concept: str | None = None) -> list[Line]:
    """The instructions, for the first sheet of a workbook or the read-me of a CSV folder.

    Parameters
    ----------
    lang : Lang
    fmt : {"xlsx", "csv"}
        A workbook (drop-down lists) or a folder of CSV files (the allowed values listed).
    concept : str, optional
        The concept exported; ``None`` for the template.

    Returns
    -------
    list of Line
    """
    stem = concept or t("sheets.file.template", lang)  # as the server names its downloads
    file = f"{stem}.xlsx" if fmt == "xlsx" else f"{stem}/"
    if concept is None:
        lines = [Line(t("sheets.guide.title_template", lang), "title"), Line(t("sheets.guide.examples", lang))]
    else:
        lines = [
            Line(t("sheets.guide.title_export", lang, concept=concept), "title"),
            Line(t("sheets.guide.exported", lang, concept=concept)),
        ]
    intro = t("sheets.guide.intro_xlsx", lang) if fmt == "xlsx" else t("sheets.guide.intro_csv", lang)
    lines += [Line(intro), Line(t("sheets.guide.tables", lang), "heading")]
    for sheet in SHEETS:
        text = t("sheets.guide.table", lang, sheet=sheet_title(sheet, lang), text=_table_text(sheet, lang))
        required = t("sheets.guide.required_columns", lang, columns=_required(sheet, lang))
        lines.append(Line(f"{text} {required}"))
    lines += _rules(lang, fmt, file)
    if fmt != "xlsx":
        lines.append(Line(t("sheets.guide.values", lang), "heading"))
        for target in CHOICE_LISTS:
            values = ", ".join(choice_values(target, lang))
            lines.append(Line(t("sheets.guide.values.list", lang, name=list_name(target, lang), values=values)))
    return lines
