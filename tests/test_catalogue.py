"""The message catalogue: German and English complete, placeholders kept, every key used, every use known.

Keys are found in the code as the first argument of ``t(...)``/``tn(...)`` (Babel's extractor).
Keys built at run time (``t(f"gaps.kind.{kind}", ...)``) are listed in ``DYNAMIC`` by their prefix.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from ikg.graph.i18n import LANGS, LOCALE_DIR, catalogue, t, tn

REPO = Path(__file__).resolve().parents[1]
#: prefixes of keys that code builds at run time (each with the place that builds them)
DYNAMIC: dict[str, str] = {}


def _used_keys() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in ("graph", "api", "viz"):
        for filename, _lineno, message, _comments, _context in extract_from_dir(
            REPO / folder,
            method_map=[("**/static/**", "ignore"), ("**.py", "python")],
            keywords={"t": (1,), "tn": (1,)},
            comment_tags=(),
        ):
            key = message[0] if isinstance(message, tuple) else message
            if key:
                found.setdefault(key, f"{folder}/{filename}")
    return found


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _texts(value: object) -> list[str]:
    return list(value) if isinstance(value, tuple) else [str(value)]


def test_both_languages_have_the_same_keys_and_no_empty_text() -> None:
    de, en = catalogue("de"), catalogue("en")
    assert set(de) == set(en), {"only German": sorted(set(de) - set(en)), "only English": sorted(set(en) - set(de))}
    empty = [(lang, k) for lang in LANGS for k, v in catalogue(lang).items() if not all(_texts(v))]
    assert not empty


def test_placeholders_are_the_same_in_both_languages() -> None:
    de, en = catalogue("de"), catalogue("en")
    differ = []
    for key in en:
        want = set().union(*(_fields(x) for x in _texts(en[key])))
        got = set().union(*(_fields(x) for x in _texts(de[key])))
        if want != got:
            differ.append((key, sorted(want), sorted(got)))
    assert not differ


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used = _used_keys()
    missing = {k: where for k, where in used.items() if k not in catalogue("en")}
    assert not missing


def test_every_key_in_the_catalogue_is_used() -> None:
    used = set(_used_keys())
    unused = [k for k in catalogue("en") if k not in used and not k.startswith(tuple(DYNAMIC))]
    assert not unused


def test_catalogue_files_are_well_formed_po() -> None:
    for lang in LANGS:
        files = sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po"))
        assert files
        for po in files:
            text = po.read_text(encoding="utf-8")
            assert f'"Language: {lang}\\n"' in text, po
            assert "#, fuzzy" not in text, f"{po}: a fuzzy entry is not a translation"
    assert {p.name for p in (LOCALE_DIR / "de" / "LC_MESSAGES").glob("*.po")} == {
        p.name for p in (LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po")
    }


@pytest.mark.parametrize("lang", LANGS)
def test_lookup_fills_placeholders(lang: str) -> None:
    assert t("common.nothing_written", lang)  # type: ignore[arg-type]
    assert re.fullmatch(r"\d+ \w+", tn("common.problems", 3, lang))  # type: ignore[arg-type]
