"""What changed since the previous version, as lines of text for every report format."""

from __future__ import annotations

from collections.abc import Callable

from ikg.graph.analysis.advice import title_of
from ikg.graph.analysis.compare import Changes
from ikg.graph.analysis.finding import Finding
from ikg.graph.i18n import Lang, format_number, t

__all__ = ["change_lines"]

#: how many names a line lists before it stops
SHOWN = 8

_ADDED: dict[str, Callable[..., str]] = {
    "actors": lambda lang, **kw: t("report.changes.actors_added", lang, **kw),
    "working_groups": lambda lang, **kw: t("report.changes.groups_added", lang, **kw),
    "goals": lambda lang, **kw: t("report.changes.goals_added", lang, **kw),
    "ties": lambda lang, **kw: t("report.changes.ties_added", lang, **kw),
}
_REMOVED: dict[str, Callable[..., str]] = {
    "actors": lambda lang, **kw: t("report.changes.actors_removed", lang, **kw),
    "working_groups": lambda lang, **kw: t("report.changes.groups_removed", lang, **kw),
    "goals": lambda lang, **kw: t("report.changes.goals_removed", lang, **kw),
    "ties": lambda lang, **kw: t("report.changes.ties_removed", lang, **kw),
}


def _names(values: list, lang: Lang) -> str:
    words = [f"{v[0].label(lang)} – {v[1].label(lang)}" if isinstance(v, tuple) else v.label(lang) for v in values]
    more = len(words) - SHOWN
    text = "; ".join(words[:SHOWN])
    return text + (" " + t("report.changes.more", lang, n=format_number(more, lang)) if more > 0 else "")


def _gaps(found: list[Finding], lang: Lang) -> str:
    words = [title_of(f, lang) for f in found]
    more = len(words) - SHOWN
    text = "; ".join(words[:SHOWN])
    return text + (" " + t("report.changes.more", lang, n=format_number(more, lang)) if more > 0 else "")


def change_lines(changes: Changes, lang: Lang) -> tuple[str, list[str]]:
    """The heading and the lines of the section "what changed since the previous version".

    Parameters
    ----------
    changes : Changes
    lang : {"de", "en"}

    Returns
    -------
    heading : str
    lines : list of str
        One line per kind of thing added or removed (only those with any), then the gaps closed,
        left open and new.
    """
    lines = []
    for kind in ("actors", "working_groups", "goals", "ties"):
        for table, words in ((changes.added, _ADDED), (changes.removed, _REMOVED)):
            values = table.get(kind, [])
            if values:
                lines.append(words[kind](lang, n=format_number(len(values), lang), names=_names(values, lang)))
    for found, word in (
        (changes.closed, lambda **kw: t("report.changes.closed", lang, **kw)),
        (changes.still_open, lambda **kw: t("report.changes.open", lang, **kw)),
        (changes.new_gaps, lambda **kw: t("report.changes.new", lang, **kw)),
    ):
        lines.append(word(n=format_number(len(found), lang), names=_gaps(found, lang) or "–"))
    return t("report.changes.heading", lang, old=changes.old), lines
