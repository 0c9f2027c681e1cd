"""Gap findings and actor metrics as JSON, CSV, Markdown, XLSX or an aligned table (CLI and HTTP).

The tabular forms speak the language: German column headers and kinds, and CSV as German Excel
reads it (``;``, byte order mark, ``0,412``); in English the column names programs use
(:data:`METRIC_COLUMNS`, ``concept``, ``kind``, ...), ``,`` and ``0.412``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ikg.api.formats.rows import encode_rows
from ikg.graph.analysis.advice import advise
from ikg.graph.analysis.gaps import Analysis
from ikg.graph.cells import Cell
from ikg.graph.choices import GAP_FORMATS
from ikg.graph.i18n import Lang, format_number, t

__all__ = [
    "GAP_FORMATS",
    "METRIC_COLUMNS",
    "encode_gaps",
    "encode_metrics",
    "gaps_cells",
    "gaps_document",
    "gaps_header",
    "kind_heading",
    "metrics_header",
    "metrics_rows",
    "render_gaps",
    "render_metrics",
]

METRIC_COLUMNS = (
    "concept",
    "actor_id",
    "label",
    "type",
    "town",
    "degree",
    "betweenness",
    "constraint",
    "effective_size",
    "community",
    "articulation_point",
)


def gaps_document(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang) -> dict[str, Any]:
    """The JSON document of ``ikg gaps --format json`` and ``GET /gaps``.

    Returns
    -------
    dict
        ``findings``: list of findings (``kind``, ``concept``, ``subjects``, ``score``,
        ``reasons``, ``evidence``), kind by kind, ranked; ``totals``: concept to kind to the
        number found before the ``top`` cut; ``betweenness``: concept to how betweenness was
        computed; ``lang``.
    """
    return {
        "lang": lang,
        "findings": [{**f.to_dict(lang), "advice": _advice(f, a, lang)} for a in analyses for f in a.all(kinds)],
        "totals": {a.concept: {k: a.totals.get(k, 0) for k in kinds} for a in analyses},
        "betweenness": {a.concept: a.info["betweenness"] for a in analyses},
    }


def gaps_header(lang: Lang) -> list[str]:
    """The column names of the tabular findings: German words in German, the names programs use in English.

    Examples
    --------
    >>> gaps_header("de")
    ['Konzept', 'Art', 'Rang', 'Beteiligte', 'Wert', 'Begründung']
    >>> gaps_header("en")
    ['concept', 'kind', 'rank', 'subjects', 'score', 'reasons']
    """
    return [
        t("formats.gaps.column.concept", lang),
        t("formats.gaps.column.kind", lang),
        t("formats.gaps.column.rank", lang),
        t("formats.gaps.column.subjects", lang),
        t("formats.gaps.column.score", lang),
        t("formats.gaps.column.reasons", lang),
    ]


def gaps_cells(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang) -> list[tuple[Cell, ...]]:
    """One row per finding (columns :func:`gaps_header`), kind by kind, ranked.

    ``kind`` is the kind's heading in German and its name (``missing-link``) in English,
    ``subjects`` the labels joined by `` – ``, ``score`` a number with three decimals, ``reasons``
    the sentences joined by a space.
    """
    rows: list[tuple[Cell, ...]] = []
    for a in analyses:
        for kind in kinds:
            shown = kind_heading(kind, lang) if lang == "de" else kind
            for rank, f in enumerate(a.findings.get(kind, []), start=1):
                rows.append(
                    (
                        a.concept,
                        shown,
                        rank,
                        " – ".join(s.label(lang) for s in f.subjects),
                        Decimal(f"{f.score:.3f}"),
                        " ".join(f.reasons[lang]),
                    )
                )
    return rows


def encode_gaps(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang, fmt: str) -> bytes:
    """Findings as the bytes of a file or an HTTP answer, in any of :data:`GAP_FORMATS`.

    ``json`` is :func:`gaps_document`, ``table`` the text report; ``csv``, ``md`` and ``xlsx`` have
    one row per finding (:func:`gaps_cells`), CSV in the convention of ``lang``
    (:func:`ikg.graph.cells.csv_bytes`).
    """
    if fmt == "json":
        return (json.dumps(gaps_document(analyses, kinds, lang), ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "table":
        return _text_report(analyses, kinds, lang).encode("utf-8")
    if fmt not in GAP_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(GAP_FORMATS)})")
    title = t("formats.sheet.gaps", lang)
    return encode_rows(gaps_header(lang), gaps_cells(analyses, kinds, lang), fmt, lang, title)


def _advice(finding: Any, analysis: Analysis, lang: Lang) -> dict[str, Any]:
    """A finding's advice as JSON: plain summary, recommended action, strength, how we know."""
    advice = advise(finding, analysis.network, lang)
    return {
        "summary": advice.summary,
        "action": advice.action,
        "strength": advice.strength,
        "strength_word": advice.strength_word,
        "how": advice.how,
    }


def render_gaps(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang, fmt: str) -> str:
    """Findings as text: ``json``, ``csv``, ``md`` or ``table`` (see :func:`encode_gaps`)."""
    return encode_gaps(analyses, kinds, lang, fmt).decode("utf-8-sig")


def kind_heading(kind: str, lang: Lang) -> str:
    """The heading of a kind of finding in the text report.

    Examples
    --------
    >>> kind_heading("missing-link", "de"), kind_heading("coverage", "en")
    ('Fehlende Verbindungen', 'Coverage gaps')
    """
    return t(f"gaps.kind.{kind.replace('-', '_')}", lang)


def _text_report(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang) -> str:
    lines: list[str] = []
    for a in analyses:
        lines.append(f"== {a.concept} ==")
        for kind in kinds:
            found = a.findings.get(kind, [])
            total = a.totals.get(kind, 0)
            count = (
                t("gaps.report.shown_of", lang, shown=format_number(len(found), lang), total=format_number(total, lang))
                if total > len(found)
                else format_number(total, lang)
            )
            lines.append(f"{kind_heading(kind, lang)} ({count})")
            for rank, f in enumerate(found, start=1):
                subjects = " – ".join(s.label(lang) for s in f.subjects)
                if len(subjects) > 100:
                    subjects = subjects[:97] + "..."
                advice = advise(f, a.network, lang)  # plain words and what to do; the score stays in JSON
                lines.append(f"  {rank}. {subjects}  [{advice.strength_word}]")
                lines.extend(f"     {sentence}" for sentence in advice.summary)
                lines.append(f"     {t('report.action', lang)}: {advice.action}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def metrics_rows(analyses: Sequence[Analysis], lang: Lang) -> list[tuple[Any, ...]]:
    """One row per actor (columns :data:`METRIC_COLUMNS`), by concept, then betweenness (highest first)."""
    rows = []
    for a in analyses:
        ordered = sorted(a.metrics.items(), key=lambda kv: (-kv[1].betweenness, a.network.items[kv[0]].id))
        for iri, m in ordered:
            item = a.network.items[iri]
            rows.append(
                (
                    a.concept,
                    item.id,
                    item.label(lang),
                    item.subkind,
                    item.town,
                    m.degree,
                    round(m.betweenness, 6),
                    None if math.isnan(m.constraint) else round(m.constraint, 6),
                    None if math.isnan(m.effective_size) else round(m.effective_size, 6),
                    m.community,
                    m.articulation_point,
                )
            )
    return rows


def metrics_header(lang: Lang) -> list[str]:
    """The column names of the metrics (:data:`METRIC_COLUMNS` in English, German words in German)."""
    return [
        t("formats.metrics.column.concept", lang),
        t("formats.metrics.column.actor_id", lang),
        t("formats.metrics.column.label", lang),
        t("formats.metrics.column.type", lang),
        t("formats.metrics.column.town", lang),
        t("formats.metrics.column.degree", lang),
        t("formats.metrics.column.betweenness", lang),
        t("formats.metrics.column.constraint", lang),
        t("formats.metrics.column.effective_size", lang),
        t("formats.metrics.column.community", lang),
        t("formats.metrics.column.articulation_point", lang),
    ]


def encode_metrics(analyses: Sequence[Analysis], lang: Lang, fmt: str) -> bytes:
    """Per-actor metrics as the bytes of a file or an HTTP answer, in any of :data:`GAP_FORMATS`.

    ``json`` is a list of objects (keys :data:`METRIC_COLUMNS`) with how betweenness was
    computed; the other forms are one row per actor with :func:`metrics_header`.
    """
    rows = metrics_rows(analyses, lang)
    if fmt == "json":
        doc = {
            "actors": [dict(zip(METRIC_COLUMNS, r, strict=True)) for r in rows],
            "betweenness": {a.concept: a.info["betweenness"] for a in analyses},
        }
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt not in GAP_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(GAP_FORMATS)})")
    return encode_rows(metrics_header(lang), rows, fmt, lang, t("formats.sheet.metrics", lang))


def render_metrics(analyses: Sequence[Analysis], lang: Lang, fmt: str) -> str:
    """Per-actor metrics as text: ``json``, ``csv``, ``md`` or ``table`` (see :func:`encode_metrics`)."""
    return encode_metrics(analyses, lang, fmt).decode("utf-8-sig").rstrip("\n")
