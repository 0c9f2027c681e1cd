"""Problems found in the input, each with where it is (file or sheet, row, column) and why.

A problem is data (a code and its arguments) so that it can be shown in German or English and
returned as JSON; :func:`render` turns it into one plain sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ikg.graph.i18n import Lang

__all__ = ["MESSAGES", "Problem", "render"]

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (German, English)
    "missing_sheet": (
        "Tabelle {sheet} fehlt (erwartet als Datei {sheet}.csv oder Blatt {sheet}; deutsch: {alias})",
        "table {sheet} is missing (expected as file {sheet}.csv or sheet {sheet}; German: {alias})",
    ),
    "missing_column": (
        "Pflichtspalte {column} fehlt (deutsch: {alias})",
        "required column {column} is missing (German: {alias})",
    ),
    "duplicate_column": (
        "Spalte {column} kommt mehrfach vor",
        "column {column} appears more than once",
    ),
    "unknown_column": (
        "unbekannte Spalte {header} wird ignoriert",
        "unknown column {header} is ignored",
    ),
    "unknown_table": (
        "unbekannte Tabelle {name} wird ignoriert",
        "unknown table {name} is ignored",
    ),
    "duplicate_table": (
        "Tabelle {sheet} kommt mehrfach vor ({first} und {second})",
        "table {sheet} appears more than once ({first} and {second})",
    ),
    "empty_required": (
        "Pflichtfeld ist leer",
        "required cell is empty",
    ),
    "duplicate_id": (
        "doppelte ID {value} (zuerst in Zeile {first_row})",
        "duplicate id {value} (first in row {first_row})",
    ),
    "duplicate_row": (
        "doppelter Eintrag {value} (zuerst in Zeile {first_row})",
        "duplicate entry {value} (first in row {first_row})",
    ),
    "unknown_reference": (
        "unbekannter Verweis {value} (keine solche ID in Tabelle {target})",
        "unknown reference {value} (no such id in table {target})",
    ),
    "bad_date": (
        "Datum {value} nicht lesbar (erwartet 2015-06-30, 30.06.2015, 06.2015 oder 2015)",
        "unparseable date {value} (expected 2015-06-30, 30.06.2015, 06.2015 or 2015)",
    ),
    "bad_number": (
        "Zahl {value} nicht lesbar (erwartet etwa 26,5 oder 26.5)",
        "unparseable number {value} (expected e.g. 26,5 or 26.5)",
    ),
    "bad_choice": (
        "unbekannter Wert {value}; erlaubt: {allowed}",
        "unknown value {value}; allowed: {allowed}",
    ),
    "self_reference": (
        "verweist auf sich selbst ({value})",
        "refers to itself ({value})",
    ),
    "bad_text": (
        "unzulässige Zeichen im Text ({detail})",
        "text contains characters that are not allowed ({detail})",
    ),
    "xlsx_doctype": (
        "Die Arbeitsmappe enthält XML mit <!DOCTYPE> oder <!ENTITY> ({part}): so etwas schreibt kein "
        "Tabellenprogramm, aber es kann aus wenigen Bytes Gigabytes machen. Bitte neu speichern.",
        "the workbook holds XML with <!DOCTYPE> or <!ENTITY> ({part}): no spreadsheet program writes "
        "that, but it can turn a few bytes into gigabytes. Save the workbook again.",
    ),
    "xml_encoding": (
        "Das XML in {part} hat eine Zeichenkodierung, die sich nicht bestimmen oder nicht lesen lässt "
        "(gelesen werden UTF-8, UTF-16, UTF-32 und ISO-8859/Windows-125x); es wird nicht verarbeitet, "
        "denn ein XML-Leser könnte darin anderes sehen als die Prüfung. Bitte als UTF-8 speichern.",
        "the XML in {part} is in a character encoding that cannot be determined or decoded (UTF-8, "
        "UTF-16, UTF-32 and ISO-8859/Windows-125x are read); it is not parsed, since an XML parser "
        "might see in it what the check does not. Save it as UTF-8.",
    ),
    "symlink_outside": (
        "symbolische Verknüpfung, die aus dem Ordner {folder} hinaus oder ins Leere zeigt: sie wird "
        "nicht gelesen. Bitte die Datei selbst in den Ordner kopieren.",
        "symbolic link that leads out of the folder {folder} or to nothing: it is not read. Copy the "
        "file itself into the folder.",
    ),
    "cell_too_long": (
        "Zelle hat {length} Zeichen, höchstens {limit} sind erlaubt (so viele fasst eine Excel-Zelle)",
        "cell holds {length} characters, at most {limit} are allowed (what an Excel cell holds)",
    ),
    "too_large": (
        "Eingabe ist {size} groß, erlaubt sind höchstens {limit} (IKG_MAX_INPUT_MB)",
        "input is {size}, at most {limit} is allowed (IKG_MAX_INPUT_MB)",
    ),
    "unreadable": (
        "Datei nicht lesbar: {detail}",
        "file cannot be read: {detail}",
    ),
    "no_rows": (
        "Tabelle {sheet} enthält keine Zeile",
        "table {sheet} has no row",
    ),
    "shape": (
        "{message}",
        "{message}",
    ),
    "rdf_syntax": (
        "RDF-Syntaxfehler: {detail}",
        "RDF syntax error: {detail}",
    ),
    "xml_doctype": (
        "RDF/XML mit <!DOCTYPE> oder <!ENTITY> wird nicht gelesen: Entitäten können aus wenigen Bytes "
        "Gigabytes machen oder Dateien des Servers einlesen. Bitte ohne DOCTYPE speichern "
        "(z. B. als Turtle).",
        "RDF/XML with <!DOCTYPE> or <!ENTITY> is not read: entities can turn a few bytes into "
        "gigabytes or pull in files of the server. Save it without a DOCTYPE (e.g. as Turtle).",
    ),
    "jsonld_remote_context": (
        "JSON-LD mit einem entfernten @context (einer URL) wird nicht geladen: ikg ruft beim Import "
        "keine Adressen ab. Bitte den Kontext in die Datei einbetten.",
        "JSON-LD with a remote @context (a URL) is not loaded: ikg fetches no address during an "
        "import. Embed the context in the file.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem in the input.

    Attributes
    ----------
    code : str
        Key into :data:`MESSAGES`.
    source : str
        File name or sheet name.
    row : int or None
        Spreadsheet row number (the header is row 1), if the problem has one.
    column : str or None
        Canonical column name, if the problem has one.
    args : dict
        Values for the message template.
    severity : str
        ``"error"`` (blocks the import) or ``"warning"``.
    """

    code: str
    source: str
    row: int | None = None
    column: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"

    def message(self, lang: Lang = "en") -> str:
        """Return the plain reason, without the location."""
        de, en = MESSAGES[self.code]
        template = de if lang == "de" else en
        if self.code == "shape":
            return str(self.args.get(lang) or self.args.get("message", ""))
        return template.format(**self.args)

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
    """
    row_word, col_word = ("Zeile", "Spalte") if lang == "de" else ("row", "column")
    where = [problem.source]
    if problem.row is not None:
        where.append(f"{row_word} {problem.row}")
    if problem.column is not None:
        where.append(f"{col_word} {problem.column}")
    prefix = "" if problem.severity == "error" else ("Warnung: " if lang == "de" else "warning: ")
    return f"{prefix}{', '.join(where)}: {problem.message(lang)}"
