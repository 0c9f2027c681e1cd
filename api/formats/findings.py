"""Gap findings and actor metrics as JSON, CSV, Markdown or an aligned table (CLI and HTTP)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from rdflib import Literal

from ikg.api.formats.rows import render_rows
from ikg.graph.analysis.gaps import Analysis
from ikg.graph.i18n import Lang, format_number, t

__all__ = [
    "GAP_FORMATS",
    "METRIC_COLUMNS",
    "gaps_document",
    "kind_heading",
    "metrics_rows",
    "render_gaps",
    "render_metrics",
]

GAP_FORMATS = ("table", "json", "csv", "md")
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
        "findings": [f.to_dict(lang) for a in analyses for f in a.all(kinds)],
        "totals": {a.concept: {k: a.totals.get(k, 0) for k in kinds} for a in analyses},
        "betweenness": {a.concept: a.info["betweenness"] for a in analyses},
    }


def render_gaps(analyses: Sequence[Analysis], kinds: Sequence[str], lang: Lang, fmt: str) -> str:
    """Render findings as ``json``, ``csv``, ``md`` or ``table``.

    The tabular forms have one row per finding: ``concept``, ``kind``, ``rank``, ``subjects``
    (labels joined by `` – ``), ``score`` and ``reasons`` (sentences joined by a space).
    """
    if fmt == "json":
        return json.dumps(gaps_document(analyses, kinds, lang), ensure_ascii=False, indent=2)
    names = ["concept", "kind", "rank", "subjects", "score", "reasons"]
    rows = []
    for a in analyses:
        for kind in kinds:
            for rank, f in enumerate(a.findings.get(kind, []), start=1):
                rows.append(
                    (
                        Literal(a.concept),
                        Literal(kind),
                        Literal(rank),
                        Literal(" – ".join(s.label(lang) for s in f.subjects)),
                        Literal(f"{f.score:.3f}"),
                        Literal(" ".join(f.reasons[lang])),
                    )
                )
    if fmt in ("csv", "md"):
        return render_rows(names, rows, fmt)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(GAP_FORMATS)})")
    return _text_report(analyses, kinds, lang)


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
                lines.append(f"  {rank}. {subjects}  [{format_number(f.score, lang, 3)}]")
                lines.extend(f"     {r}" for r in f.reasons[lang])
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


def render_metrics(analyses: Sequence[Analysis], lang: Lang, fmt: str) -> str:
    """Render per-actor metrics as ``json`` (a list of objects), ``csv``, ``md`` or ``table``."""
    rows = metrics_rows(analyses, lang)
    if fmt == "json":
        doc = {
            "actors": [dict(zip(METRIC_COLUMNS, r, strict=True)) for r in rows],
            "betweenness": {a.concept: a.info["betweenness"] for a in analyses},
        }
        return json.dumps(doc, ensure_ascii=False, indent=2)
    if fmt not in GAP_FORMATS:
        raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(GAP_FORMATS)})")
    as_terms = [tuple(_term(v) for v in r) for r in rows]
    return render_rows(list(METRIC_COLUMNS), as_terms, fmt)


def _term(value: Any) -> Literal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return Literal(str(value).lower())
    return Literal(value)
