"""Every word of the workbench's templates is in the catalogue, and every ``web.*`` message is used.

Templates call ``t("web.key")``; Babel's Jinja extractor (``jinja2``, registered by Jinja2) finds
those calls the way the Python extractor finds ``t(...)`` in code. Keys built at run time in a
template (``page.gap_kind_name(kind)``) come from the ``gaps`` catalogue, checked by its own test.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from ikg.graph.i18n import catalogue

WEB = Path(__file__).resolve().parents[1] / "api" / "web"
KEYWORDS = {"t": (1,), "tn": (1,), "UnpackError": (1,)}  # an unpacking error is raised with its key


def _keys(method_map: list[tuple[str, str]]) -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        WEB, method_map=method_map, keywords=KEYWORDS, comment_tags=()
    ):
        key = message[0] if isinstance(message, tuple) else message
        if key:
            found.add(key)
    return found


def test_template_keys_are_in_both_languages() -> None:
    used = _keys([("**/templates/**.html", "jinja2")])
    assert len(used) > 100
    for lang in ("de", "en"):
        missing = sorted(k for k in used if k not in catalogue(lang))
        assert not missing, (lang, missing)


def test_every_web_message_is_used_by_the_workbench() -> None:
    used = _keys([("**/templates/**.html", "jinja2"), ("**.py", "python")])
    unused = sorted(k for k in catalogue("en") if k.startswith("web.") and k not in used)
    assert not unused
