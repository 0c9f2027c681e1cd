"""The report of a concept: one self-contained HTML file, plus an SVG and a PNG of each view for print.

``write_report(net, analysis, out_dir, lang)`` writes::

    out_dir/index.html           key figures, coverage, the top gaps with their reasons, brokers,
                                 silos, isolated actors, and the interactive views
    out_dir/views/NAME.html      each view as a page of its own (to embed with an <iframe>)
    out_dir/views/NAME.svg|.png  each view for Word and PDF

``index.html`` needs nothing beside it: the interactive views are embedded as
``<iframe sandbox="allow-scripts" srcdoc="...">`` (each a complete view page, escaped into the
attribute), and for print each view is also embedded as a PNG ``data:`` image that only the
print stylesheet shows. The report's own words come from the message catalogue (``viz.po``),
numbers are written as the language writes them (``0,412`` in German). Every text from the data
and from the catalogue is escaped. A Content-Security-Policy allows no
request and no script or style but the views' own and the report's stylesheet, by their SHA-256
(the embedded pages inherit it). The same data gives the
same files, byte for byte: nothing depends on the clock.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ikg.graph.analysis.gaps import Analysis, Finding
from ikg.graph.analysis.network import ConceptNetwork
from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.views import ViewRequest, build_view

__all__ = ["REPORT_VIEWS", "ReportFiles", "write_report"]

#: the views the report embeds, in order
REPORT_VIEWS: tuple[str, ...] = ("gaps", "actors", "overview")

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#222;max-width:72em;margin:0 auto;
padding:1em 1.5em;line-height:1.4}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.n{text-align:right}.gap{color:#a33}.ok{color:#276}
ol.findings>li{margin:.6em 0}ol.findings p{margin:.15em 0}.score{color:#666;font-size:.9em}
.desc{color:#444}.muted{color:#666;font-size:.9em}
figure{margin:1em 0}iframe{width:100%;height:640px;border:1px solid #ccc}
img.print{display:none;max-width:100%}
@media print{iframe{display:none}img.print{display:block}a.files{display:none}}
""".strip()


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote (paths relative to the output folder)."""

    index: Path
    views: tuple[Path, ...]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _findings(found: Sequence[Finding], total: int, lang: Lang) -> str:
    if not found:
        none = t("viz.report.none", lang)
        return f"<p>{_e(none)}</p>"
    parts = []
    if total > len(found):
        shown = t("viz.report.shown", lang, shown=format_number(len(found), lang), total=format_number(total, lang))
        parts.append(f'<p class="muted">{_e(shown)}</p>')
    parts.append('<ol class="findings">')
    for f in found:
        subjects = " – ".join(s.label(lang) for s in f.subjects)
        if len(f.subjects) > 4:
            subjects = " – ".join(s.label(lang) for s in f.subjects[:4]) + " …"
        reasons = "".join(f"<p>{_e(r)}</p>" for r in f.reasons[lang])
        score = _e(format_number(f.score, lang, 3))
        parts.append(f'<li><strong>{_e(subjects)}</strong> <span class="score">[{score}]</span>{reasons}</li>')
    parts.append("</ol>")
    return "".join(parts)


def _figures(net: ConceptNetwork, analysis: Analysis, lang: Lang) -> str:
    actors = net.actors
    ties = sum(m.degree for m in analysis.metrics.values()) // 2
    rows = [
        (t("viz.report.figure.actors", lang), len(actors)),
        (t("viz.report.figure.towns", lang), len({a.town for a in actors if a.town})),
        (t("viz.report.figure.groups", lang), len(net.of_kind("working_group"))),
        (t("viz.report.figure.members", lang), sum(len(v) for v in net.members.values())),
        (t("viz.report.figure.goals", lang), len([g for g in net.goals if g.subkind != "concept_goal"])),
        (t("viz.report.figure.fields", lang), len(net.of_kind("action_field"))),
        (t("viz.report.figure.tasks", lang), len(net.of_kind("task"))),
        (t("viz.report.figure.cooperations", lang), len(net.cooperations)),
        (t("viz.report.figure.ties", lang), ties),
        (t("viz.report.figure.communities", lang), len(analysis.info["communities"])),
        (t("viz.report.figure.missing", lang), analysis.totals.get("missing-link", 0)),
        (t("viz.report.figure.isolates", lang), analysis.totals.get("isolate", 0)),
    ]
    body = "".join(
        f'<tr><th scope="row">{_e(name)}</th><td class="n">{_e(format_number(v, lang))}</td></tr>' for name, v in rows
    )
    return f"<table>{body}</table>"


def _coverage(net: ConceptNetwork, analysis: Analysis, lang: Lang) -> str:
    gaps = {f.subjects[0].iri: f.evidence["gaps"] for f in analysis.findings.get("coverage", [])}
    pursuers = net.pursuers()
    columns = (
        t("viz.report.column.item", lang),
        t("viz.report.column.goals", lang),
        t("viz.report.column.groups", lang),
        t("viz.report.column.actors", lang),
        t("viz.report.column.status", lang),
    )
    head = "".join(f"<th>{_e(name)}</th>" for name in columns)
    covered = t("viz.report.covered", lang)
    rows = []
    for item in net.of_kind("action_field") + net.of_kind("task"):
        goals = [g for g, fs in net.goal_fields.items() if item.iri in fs]
        goals += [g for g, ts in net.goal_tasks.items() if item.iri in ts]
        groups = [w for w, fs in net.wg_fields.items() if item.iri in fs]
        actors = {a for g in goals for a in pursuers.get(g, ())} | {a for w in groups for a in net.members.get(w, ())}
        found = ", ".join(t(f"viz.report.gap.{g}", lang) for g in gaps.get(item.iri, []))
        status = f'<span class="gap">{_e(found)}</span>' if found else f'<span class="ok">{_e(covered)}</span>'
        groups_cell = format_number(len(groups), lang) if item.kind == "action_field" else "–"
        rows.append(
            f"<tr><td>{_e(item.label(lang))}</td><td class='n'>{_e(format_number(len(goals), lang))}</td>"
            f"<td class='n'>{_e(groups_cell)}</td><td class='n'>{_e(format_number(len(actors), lang))}</td>"
            f"<td>{status}</td></tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _sources(page: str, directive: str) -> str:
    """The sources of one directive of a view page's Content-Security-Policy."""
    found = re.search(directive + r" ([^;]+);", html.unescape(page))
    return found.group(1).strip() if found else ""


_NONE = "'none'"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_SAMPLED = re.compile(r"sampled from (\d+) pivots \(seed (\d+)\)")


def _betweenness_note(method: object, lang: Lang) -> str:
    """How betweenness was computed (``info["betweenness"]`` of the analysis), in ``lang``."""
    text = str(method)
    sampled = _SAMPLED.fullmatch(text)
    if text == "exact":
        return t("viz.report.betweenness.exact", lang)
    if sampled:
        pivots, seed = (int(x) for x in sampled.groups())
        return t("viz.report.betweenness.sampled", lang, pivots=format_number(pivots, lang), seed=seed)
    return t("viz.report.betweenness.other", lang, method=text)


def write_report(net: ConceptNetwork, analysis: Analysis, out_dir: str | Path, lang: Lang = "de") -> ReportFiles:
    """Write the report of one concept into ``out_dir`` (created if missing).

    Parameters
    ----------
    net : ConceptNetwork
    analysis : Analysis
        The gap analysis of ``net`` (all kinds; its ``top`` cut is what the report lists).
    out_dir : path-like
    lang : {"de", "en"}

    Returns
    -------
    ReportFiles
    """
    from ikg.viz.html import to_html
    from ikg.viz.static import to_png, to_svg

    out = Path(out_dir)
    (out / "views").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sections: list[str] = []
    open_page, for_print = t("viz.report.open", lang), t("viz.report.print", lang)
    script_src = style_src = ""
    for name in REPORT_VIEWS:
        graph, heading = build_view(net, analysis, ViewRequest(name, lang))
        page = to_html(graph, heading=heading, lang=lang)
        svg = to_svg(graph, heading=heading, lang=lang)
        png = to_png(graph, heading=heading, lang=lang)
        for suffix, data in (("html", page.encode("utf-8")), ("svg", svg.encode("utf-8")), ("png", png)):
            path = Path("views") / f"{name}.{suffix}"
            (out / path).write_bytes(data)
            written.append(path)
        script_src, style_src = _sources(page, "script-src"), _sources(page, "style-src")
        png_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        sections.append(
            f"<figure><h3>{_e(heading)}</h3>"
            f'<iframe sandbox="allow-scripts" title="{_e(heading)}" srcdoc="{_e(page)}"></iframe>'
            f'<img class="print" alt="{_e(heading)}" src="{png_uri}">'
            f'<figcaption class="muted"><a class="files" href="views/{name}.html">{_e(open_page)}</a> · '
            f'{_e(for_print)}: <a class="files" href="views/{name}.svg">SVG</a>, '
            f'<a class="files" href="views/{name}.png">PNG</a></figcaption></figure>'
        )
    csp = (
        f"default-src 'none'; script-src {script_src or _NONE}; style-src {_hash(_CSS)} {style_src}; img-src data:; "
        "frame-src 'self'; base-uri 'none'; form-action 'none'"
    )
    title = t("viz.report.title", lang, title=net.title(lang))
    desc = net.description.get(lang) or net.description.get("de") or ""
    f = analysis.findings
    coverage_rest = [x for x in f.get("coverage", []) if x.subjects[0].kind in ("goal", "working_group")]
    totals = analysis.totals
    figures, coverage, views = (
        t("viz.report.figures", lang),
        t("viz.report.coverage", lang),
        t("viz.report.views", lang),
    )
    made, note = t("viz.report.made", lang), _betweenness_note(analysis.info["betweenness"], lang)

    def section(heading: str, found: Sequence[Finding], total: int) -> str:
        return f"<h2>{_e(heading)}</h2>{_findings(found, total, lang)}"

    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="desc">{_e(desc)}</p>' if desc else "",
        f"<h2>{_e(figures)}</h2>{_figures(net, analysis, lang)}",
        f"<h2>{_e(coverage)}</h2>{_coverage(net, analysis, lang)}",
        section(t("viz.report.gaps", lang), f.get("missing-link", []), totals.get("missing-link", 0)),
        section(t("viz.report.other", lang), coverage_rest, len(coverage_rest)),
        section(t("viz.report.brokers", lang), f.get("broker", []), totals.get("broker", 0)),
        section(t("viz.report.silos", lang), f.get("silo", []), totals.get("silo", 0)),
        section(t("viz.report.isolates", lang), f.get("isolate", []), totals.get("isolate", 0)),
        f"<h2>{_e(views)}</h2>{''.join(sections)}",
        f'<p class="muted">{_e(made)} {_e(note)}</p>',
    ]
    document = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )
    (out / "index.html").write_text(document, encoding="utf-8")
    return ReportFiles(Path("index.html"), tuple(written))
