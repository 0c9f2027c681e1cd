"""The help of ``ikg`` and of every command speaks the user's language, from the catalogue.

The help is built before the command line is read, so its language comes from ``IKG_LANG`` (or
the locale), never from ``--lang``; each run here names it in its environment (``conftest.py``
sets ``IKG_LANG=en`` for the tests, a subprocess gets its own). English is found by a few words
German text does not use, outside of what is a name rather than a word: the example paragraph,
and tokens with ``-``, ``/``, ``.`` or ``=`` inside (options, paths, URLs, ``key=value``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import typer

from ikg.api.cli.app import app
from ikg.graph.i18n import catalogue

IKG = str(Path(sys.executable).with_name("ikg"))
ENGLISH = frozenset({"the", "and", "with", "which", "file", "folder", "store"})

#: the commands, in the order of ``ikg --help``, as Typer builds them
COMMANDS: tuple[str, ...] = tuple(typer.main.get_group(app).commands)
#: words each German help must contain (whitespace as the terminal wraps it does not matter)
GERMAN: dict[str, tuple[str, ...]] = {
    "": ("Wissensgraph", "Ordner des Speichers", "Diese Hilfe anzeigen"),
    "up": ("Berichte schreiben", "Lücken im Netzwerk"),
    "serve": ("bereitstellen", "Abfragen der Bibliothek"),
    "import": ("Tabelle einlesen", "Arbeitsmappe"),
    "validate": ("Tabelle prüfen", "Zeile und Spalte"),
    "export": ("Akteursnetz", "Standardausgabe", "Format der Vorlage"),
    "template": ("Vorlage für ein neues Konzept", "Auswahllisten", "Pflichtspalten", "Zielordner"),
    "drop": ("Speicher entfernen", "Rückfrage"),
    "info": ("was im Speicher liegt",),
    "concepts": ("Konzepte im Speicher auflisten",),
    "queries": ("Abfragen der Bibliothek",),
    "query": ("Abfrage aus der Bibliothek", "mehrfach möglich"),
    "gaps": ("Lücken im Netzwerk", "fehlende Verbindungen", "Vermittler"),
    "metrics": ("Zwischenzentralität", "Kennzahlen je Akteur"),
    "view": ("Ansicht", "Arbeitsgruppe"),
    "report": ("Netzwerkbericht", "Querschnittsaufgabe", "Handlungsfeld"),
}


@cache
def _help(command: str, lang: str) -> str:
    """``ikg [command] --help`` as a user runs it, with ``IKG_LANG=lang`` and no other language hint."""
    clean = {k: v for k, v in os.environ.items() if k not in ("IKG_LANG", "LANG", "LC_ALL", "LC_MESSAGES")}
    args = [IKG, *([command] if command else []), "--help"]
    result = subprocess.run(
        args, env={**clean, "IKG_LANG": lang, "COLUMNS": "100"}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert not result.stderr, result.stderr
    return result.stdout


def _flat(text: str) -> str:
    """The text as one line: the terminal's line breaks are not part of the message."""
    return " ".join(text.split())


def _english(text: str) -> list[str]:
    """English words of the prose, leaving out the example paragraph and names (options, paths, URLs)."""
    found = []
    in_example = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("Example", "Beispiel")):
            in_example = True  # an example wraps onto further lines until the paragraph ends
        elif not stripped:
            in_example = False
        if in_example:
            continue
        for token in stripped.split():
            word = token.strip("()[]{}<>,;:!?'\".").lower()  # "file." at a sentence's end is a word
            if any(c in word for c in "-/.="):
                continue  # a name: --option, a path or URL, index.html, key=value
            if word in ENGLISH:
                found.append(word)
    return sorted(set(found))


def test_the_commands_are_those_with_german_expectations() -> None:
    assert set(COMMANDS) == set(GERMAN) - {""}
    documented = {key.removeprefix("cli.cmd.") for key in catalogue("en") if key.startswith("cli.cmd.")}
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("command", ["", *GERMAN.keys() - {""}])
def test_german_help_is_german(command: str) -> None:
    text = _help(command, "de")
    flat = _flat(text)
    for words in GERMAN[command]:
        assert words in flat, (command, words)
    assert not _english(text), (command, _english(text))
    assert "Beispiel: ikg" in text
    assert "Example" not in text
    assert "cli.cmd." not in text and "cli.opt." not in text  # a key, not its text: missing from the catalogue


@pytest.mark.parametrize("command", ["", *GERMAN.keys() - {""}])
def test_english_help_is_the_english_text(command: str) -> None:
    text = _help(command, "en")
    assert _english(text), "the check for English words finds them in English help"
    if command:
        assert "Example: ikg" in text
        assert _flat(catalogue("en")[f"cli.cmd.{command}"]) in _flat(text)
    assert "Show this message and exit." in text
    assert "cli.cmd." not in text and "cli.opt." not in text


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_option_help_of_the_catalogue_is_shown_where_it_belongs(lang: str) -> None:
    """``cli.opt.<command>.<option>`` in that command's help; ``cli.opt.global.*`` in ``ikg --help``."""
    texts = catalogue(lang)
    for key, text in texts.items():
        if not key.startswith("cli.opt."):
            continue
        command = key.split(".")[2]
        shown = _help("" if command == "global" else command, lang)
        # whitespace differs where the terminal wraps a line (even inside a hyphenated word)
        assert re.sub(r"\s", "", text) in re.sub(r"\s", "", shown), key


def test_every_parameter_has_help() -> None:
    for name, command in typer.main.get_group(app).commands.items():
        for param in command.params:
            assert getattr(param, "help", None), (name, param.name)


def test_help_loads_no_store_engine() -> None:
    """``ikg --help`` answers at once: building the command line imports neither rdflib nor pyoxigraph."""
    probe = "import sys, ikg.api.cli; print(sorted(m for m in ('rdflib', 'pyoxigraph') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert result.stdout.strip() == "[]"
