"""What a report says, once, for every format: key figures, coverage, findings with advice, figures.

:func:`report_content` gathers the content of one concept's report in one language; the HTML
report (:mod:`ikg.viz.report`), the Word document (:mod:`ikg.viz.documents.docx`) and the PDF
(:mod:`ikg.viz.documents.pdf`) only lay it out. The numbers are the concept's one set of figures
(:mod:`ikg.graph.analysis.figures`), the findings are worded by :mod:`ikg.graph.analysis.advice`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ikg.graph.analysis.advice import Advice, advise
from ikg.graph.analysis.compare import Changes
from ikg.graph.analysis.gaps import Analysis, Finding
from ikg.graph.i18n import Lang, format_number, t

__all__ = ["CoverageLine", "FigureRow", "ReportContent", "Section", "figure_label", "report_content"]

#: the labels of the key figures (keys of :data:`ikg.graph.analysis.figures.FIGURES`), in report order
_LABELS: dict[str, Callable[[Lang], str]] = {
    "actors": lambda lang: t("viz.report.figure.actors", lang),
    "towns": lambda lang: t("viz.report.figure.towns", lang),
    "working_groups": lambda lang: t("viz.report.figure.groups", lang),
    "memberships": lambda lang: t("viz.report.figure.members", lang),
    "goals": lambda lang: t("viz.report.figure.goals", lang),
    "concept_goals": lambda lang: t("report.figure.concept_goals", lang),
    "action_fields": lambda lang: t("viz.report.figure.fields", lang),
    "cross_cutting_tasks": lambda lang: t("viz.report.figure.tasks", lang),
    "cooperations": lambda lang: t("viz.report.figure.cooperations", lang),
    "indicators": lambda lang: t("report.figure.indicators", lang),
    "events": lambda lang: t("report.figure.events", lang),
    "ties": lambda lang: t("viz.report.figure.ties", lang),
    "communities": lambda lang: t("viz.report.figure.communities", lang),
    "goals_without_actor": lambda lang: t("report.figure.goals_without_actor", lang),
    "uncovered_fields": lambda lang: t("report.figure.uncovered_fields", lang),
    "uncovered_tasks": lambda lang: t("report.figure.uncovered_tasks", lang),
    "missing_links": lambda lang: t("viz.report.figure.missing", lang),
    "isolates": lambda lang: t("viz.report.figure.isolates", lang),
}


def figure_label(key: str, lang: Lang) -> str:
    """The label of a key figure in ``lang``."""
    return _LABELS[key](lang)


@dataclass(frozen=True)
class FigureRow:
    """One key figure: its key (``data-figure`` in HTML), label and value."""

    key: str
    label: str
    value: int


@dataclass(frozen=True)
class CoverageLine:
    """One row of the coverage table."""

    label: str
    goals: int
    groups: int | None
    actors: int
    gaps: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class Section:
    """A section of findings: heading, the findings shown with their advice, and how many there are."""

    key: str
    heading: str
    advice: tuple[Advice, ...]
    total: int
    intro: str = ""


@dataclass
class ReportContent:
    """Everything a report of one concept says, in one language."""

    lang: Lang
    concept: str
    title: str
    concept_title: str
    description: str
    issued: str
    figures: list[FigureRow]
    coverage: list[CoverageLine]
    sections: list[Section]
    note: str
    strength_rule: str
    changes: Changes | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _advice(found: Sequence[Finding], analysis: Analysis, lang: Lang) -> tuple[Advice, ...]:
    return tuple(advise(f, analysis.network, lang) for f in found)


def _betweenness_note(method: object, lang: Lang) -> str:
    text = str(method)
    if text == "exact":
        return t("viz.report.betweenness.exact", lang)
    if text.startswith("sampled from "):
        words = text.split()
        pivots, seed = int(words[2]), int(words[-1].rstrip(")"))
        return t("viz.report.betweenness.sampled", lang, pivots=format_number(pivots, lang), seed=seed)
    return t("viz.report.betweenness.other", lang, method=text)


def report_content(analysis: Analysis, lang: Lang, changes: Changes | None = None) -> ReportContent:
    """Gather what the report of ``analysis`` says, in ``lang``.

    Parameters
    ----------
    analysis : Analysis
        The gap analysis of the concept (all kinds; its ``top`` cut is what the report lists).
    lang : {"de", "en"}
    changes : Changes, optional
        What changed since the version the concept revises (:mod:`ikg.graph.analysis.compare`).

    Returns
    -------
    ReportContent
    """
    net, figures = analysis.network, analysis.figures
    values = dict(figures.values)
    values["missing_links"] = figures.findings.get("missing-link", 0)
    rows = [FigureRow(k, figure_label(k, lang), values[k]) for k in _LABELS]
    covered = t("viz.report.covered", lang)
    gap_words = {
        "no_goal": t("viz.report.gap.no_goal", lang),
        "no_working_group": t("viz.report.gap.no_working_group", lang),
        "fewer_than_two_actors": t("viz.report.gap.fewer_than_two_actors", lang),
    }
    coverage = [
        CoverageLine(
            r.item.label(lang),
            len(r.goals),
            len(r.groups) if r.item.kind == "action_field" else None,
            len(r.actors),
            r.gaps,
            ", ".join(gap_words[g] for g in r.gaps) if r.gaps else covered,
        )
        for r in figures.coverage
    ]
    f, totals = analysis.findings, analysis.totals
    fields = [x for x in f.get("coverage", []) if x.subjects[0].kind in ("action_field", "task")]
    rest = [x for x in f.get("coverage", []) if x.subjects[0].kind in ("goal", "working_group")]
    sections = [
        Section("coverage", t("report.section.coverage_actions", lang), _advice(fields, analysis, lang), len(fields)),
        Section(
            "missing-link",
            t("viz.report.gaps", lang),
            _advice(f.get("missing-link", []), analysis, lang),
            totals.get("missing-link", 0),
        ),
        Section("other", t("viz.report.other", lang), _advice(rest, analysis, lang), len(rest)),
        Section(
            "broker",
            t("viz.report.brokers", lang),
            _advice(f.get("broker", []), analysis, lang),
            totals.get("broker", 0),
        ),
        Section("silo", t("viz.report.silos", lang), _advice(f.get("silo", []), analysis, lang), totals.get("silo", 0)),
        Section(
            "isolate",
            t("viz.report.isolates", lang),
            _advice(f.get("isolate", []), analysis, lang),
            totals.get("isolate", 0),
        ),
    ]
    made = t("viz.report.made", lang)
    note = f"{made} {_betweenness_note(analysis.info['betweenness'], lang)}"
    return ReportContent(
        lang=lang,
        concept=net.concept,
        title=t("viz.report.title", lang, title=net.title(lang)),
        concept_title=net.title(lang),
        description=net.description.get(lang) or net.description.get("de") or "",
        issued="",
        figures=rows,
        coverage=coverage,
        sections=sections,
        note=note,
        strength_rule=t("report.strength_rule", lang),
        changes=changes,
    )
