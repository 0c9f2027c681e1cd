"""Problems found in the input, each with where it is (file or sheet, row, column) and why.

A problem is data (a code and its arguments) so that it can be shown in German or English and
returned as JSON; :func:`render` turns it into one plain sentence. The sentence of a code is the
catalogue message ``ingest.<code>`` (``graph/locale/<lang>/LC_MESSAGES/ingest.po``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ikg.graph.i18n import Lang, catalogue, t

__all__ = ["CODES", "MESSAGES", "Problem", "render", "spelled"]

#: every problem code; the reason of a problem is the catalogue message ``ingest.<code>``
CODES: tuple[str, ...] = (
    "missing_sheet",
    "missing_column",
    "duplicate_column",
    "unknown_column",
    "unknown_column_near",
    "unknown_table",
    "unknown_table_near",
    "duplicate_table",
    "empty_required",
    "duplicate_id",
    "duplicate_row",
    "unknown_reference",
    "unknown_reference_near",
    "bad_date",
    "impossible_date",
    "bad_number",
    "bad_choice",
    "bad_choice_near",
    "other_choice",
    "self_reference",
    "bad_text",
    "xlsx_doctype",
    "xml_encoding",
    "symlink_outside",
    "cell_too_long",
    "too_large",
    "unreadable",
    "no_rows",
    "shape",
    "rdf_syntax",
    "xml_doctype",
    "jsonld_remote_context",
)


class _Messages(Mapping[str, tuple[str, str]]):
    """Code to its (German, English) template, read from the catalogue.

    Examples
    --------
    >>> MESSAGES["empty_required"]
    ('Pflichtfeld ist leer', 'required cell is empty')
    >>> all(de and en for de, en in MESSAGES.values())
    True
    """

    def __getitem__(self, code: str) -> tuple[str, str]:
        if code not in CODES:
            raise KeyError(code)
        de, en = (catalogue(lang).get(f"ingest.{code}", "") for lang in ("de", "en"))
        return str(de), str(en)

    def __iter__(self) -> Iterator[str]:
        return iter(CODES)

    def __len__(self) -> int:
        return len(CODES)


#: code to its (German, English) template: a view of the catalogue, as the table once was
MESSAGES: Mapping[str, tuple[str, str]] = _Messages()


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    Attributes
    ----------
    code : str
        One of :data:`CODES`; the catalogue message ``ingest.<code>`` says it.
    source : str
        File name or sheet name.
    row : int or None
        Spreadsheet row number (the header is row 1), if the problem has one.
    column : str or None
        Canonical column name, if the problem has one.
    header : str or None
        The same column as the user's header spells it (``typ``); messages use it.
    args : dict
        Values for the message template. A value that differs by language (a list of allowed
        values, a size) is a dict from language to text, such as ``{"de": ..., "en": ...}``.
        For ``shape``: the shape's message by language, and ``message`` (English).
    severity : str
        ``"error"`` (blocks the import) or ``"warning"``.
    """

    code: str
    source: str
    row: int | None = None
    column: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"
    header: str | None = None

    def message(self, lang: Lang = "en") -> str:
        """Return the plain reason, without the location.

        Examples
        --------
        >>> p = Problem("bad_choice", "akteure.csv", 7, "type",
        ...             {"value": "x", "allowed": {"de": "Schule, Verein", "en": "school, club"}})
        >>> p.message("de"), p.message("en")
        ('unbekannter Wert x; erlaubt: Schule, Verein', 'unknown value x; allowed: school, club')
        """
        if self.code == "shape":
            return t("ingest.shape", lang, message=str(self.args.get(lang) or self.args.get("message", "")))
        params = {k: v.get(lang, v.get("en", "")) if isinstance(v, dict) else v for k, v in self.args.items()}
        return t(f"ingest.{self.code}", lang, **params)

    def as_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """Return the problem as JSON-ready data."""
        return {
            "severity": self.severity,
            "code": self.code,
            "source": self.source,
            "row": self.row,
            "column": self.column,
            "message": self.message(lang),
        }


def render(problem: Problem, lang: Lang = "en") -> str:
    """Render a problem as one line: where it is, then why.

    Examples
    --------
    >>> p = Problem("unknown_reference", "memberships.csv", 7, "working_group",
    ...             {"value": "ag-sprach", "target": "working_groups"})
    >>> render(p)
    'memberships.csv, row 7, column working_group: unknown reference ag-sprach (no such id in table working_groups)'
    >>> render(p, "de")[:48]
    'memberships.csv, Zeile 7, Spalte working_group: '
    >>> render(Problem("unknown_table", "notizen.csv", args={"name": "notizen"}, severity="warning"), "de")
    'Warnung: notizen.csv: unbekannte Tabelle notizen wird ignoriert'
    """
    where = [problem.source]
    if problem.row is not None:
        where.append(t("ingest.where.row", lang, row=problem.row))
    if problem.column is not None:
        where.append(t("ingest.where.column", lang, column=problem.header or problem.column))
    line = f"{', '.join(where)}: {problem.message(lang)}"
    return line if problem.severity == "error" else t("ingest.warning", lang, text=line)


def spelled(problems: list[Problem], tables: Mapping[str, Any]) -> list[Problem]:
    """The problems with columns and referenced tables named as the user's files spell them.

    ``tables`` maps a table's canonical name to what was read (its ``source`` file or sheet and
    its ``headers``, canonical column to header as written). A column ``type`` read from the
    header ``typ`` is shown as ``typ``; a reference into ``working_groups`` read from
    ``arbeitsgruppen.csv`` names the table ``arbeitsgruppen``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> read = {
    ...     "working_groups": SimpleNamespace(source="arbeitsgruppen.csv", headers={}),
    ...     "memberships": SimpleNamespace(source="m.csv", headers={"working_group": "arbeitsgruppe"}),
    ... }
    >>> p = Problem("unknown_reference", "m.csv", 7, "working_group", {"value": "x", "target": "working_groups"})
    >>> print(render(spelled([p], read)[0], "de"))
    m.csv, Zeile 7, Spalte arbeitsgruppe: unbekannter Verweis x (keine solche ID in Tabelle arbeitsgruppen)
    """
    headers = {table.source: table.headers for table in tables.values()}
    names = {name: Path(table.source).stem for name, table in tables.items()}
    out = []
    for problem in problems:
        header = headers.get(problem.source, {}).get(problem.column or "")
        args = problem.args
        if "target" in args and args["target"] in names:
            args = {**args, "target": names[args["target"]]}
        out.append(replace(problem, header=header or problem.header, args=args))
    return out
