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
numbers are written as the language writes them (``0,412`` in German). The page is the Jinja2
template ``viz/templates/report.html``, which escapes every text from the data and from the
catalogue. Each view is drawn once for both the SVG and the PNG
(:func:`ikg.viz.static.to_svg_png`). A Content-Security-Policy allows no
request and no script or style but the views' own and the report's stylesheet, by their SHA-256
(the embedded pages inherit it). The same data gives the
same files, byte for byte: nothing depends on the clock.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ikg.graph import choices
from ikg.graph.analysis.advice import Advice
from ikg.graph.analysis.compare import Changes
from ikg.graph.analysis.gaps import Analysis
from ikg.graph.analysis.network import ConceptNetwork
from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.documents.content import ReportContent, Section, report_content
from ikg.viz.views import ViewRequest, build_view

if TYPE_CHECKING:
    from jinja2 import Template

    from ikg.viz.documents.print_views import PrintView
    from ikg.viz.drawing_pool import DrawingPool

__all__ = [
    "REPORT_FORMATS",
    "REPORT_VIEWS",
    "ReportFiles",
    "draw_views",
    "start_drawing",
    "write_document",
    "write_report",
]

#: the formats of ``ikg report --format``
REPORT_FORMATS: tuple[str, ...] = choices.REPORT_FORMATS

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
ol.findings>li{margin:.8em 0}ol.findings p{margin:.15em 0}.strength{color:#444;font-size:.9em;border:1px solid #999;
border-radius:3px;padding:0 .3em}li.strong .strength{border-color:#a33;color:#a33}
.action{background:#f3f7f5;padding:.2em .4em}
details{color:#444;font-size:.92em}summary{cursor:pointer}
.desc{color:#444}.muted{color:#666;font-size:.9em}
figure{margin:1em 0}iframe{width:100%;height:640px;border:1px solid #ccc}
img.print{display:none;max-width:100%}
a.skip{position:absolute;left:-999em;top:.5em;background:#fff;color:#004a99;padding:.3em .6em;border:2px solid #000}
a.skip:focus{left:.5em;outline:3px solid #000}main:focus{outline:none}
@media print{iframe{display:none}img.print{display:block}a.files{display:none}a.skip{display:none}}
""".strip()


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote (paths relative to the output folder)."""

    index: Path
    views: tuple[Path, ...]


def _advice(advice: Advice, lang: Lang) -> dict[str, Any]:
    """One finding: title and strength, the plain summary, the action, and "how we know" to open."""
    return {
        "strength": advice.strength,
        "strength_text": t("report.strength", lang, strength=advice.strength_word),
        "title": advice.title,
        "summary": list(advice.summary),
        "action": advice.action,
        "how": list(advice.how),
    }


def _section(section: Section, lang: Lang, heading: bool = True) -> dict[str, Any]:
    shown = ""
    if section.advice and section.total > len(section.advice):
        shown = t(
            "viz.report.shown",
            lang,
            shown=format_number(len(section.advice), lang),
            total=format_number(section.total, lang),
        )
    return {
        "heading": section.heading if heading else "",
        "none": t("viz.report.none", lang),
        "shown": shown,
        "advice": [_advice(a, lang) for a in section.advice],
    }


def _figures(content: ReportContent) -> list[dict[str, str]]:
    return [
        {"key": row.key, "label": row.label, "value": format_number(row.value, content.lang)} for row in content.figures
    ]


def _coverage(content: ReportContent, findings: dict[str, Any]) -> dict[str, Any]:
    lang = content.lang
    columns = ("item", "goals", "groups", "actors", "status")
    rows = [
        {
            "label": line.label,
            "goals": format_number(line.goals, lang),
            "groups": format_number(line.groups, lang) if line.groups is not None else "–",
            "actors": format_number(line.actors, lang),
            "css": "gap" if line.gaps else "ok",
            "status": line.status,
        }
        for line in content.coverage
    ]
    return {
        "heading": t("viz.report.coverage", lang),
        "columns": [t(f"viz.report.column.{c}", lang) for c in columns],
        "rows": rows,
        "findings": findings,
    }


def _changes(content: ReportContent) -> dict[str, Any] | None:
    if content.changes is None:
        return None
    from ikg.viz.documents.changes import change_lines

    heading, lines = change_lines(content.changes, content.lang)
    return {"heading": heading, "lines": list(lines)}


@cache
def _template() -> Template:
    """The report's template (``viz/templates/report.html``), escaping every value."""
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("ikg.viz", "templates"), autoescape=True, keep_trailing_newline=True)
    return env.get_template("report.html")


_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _sources(page: str, directive: str) -> str:
    """The sources of one directive of a view page's Content-Security-Policy (its ``<meta>``)."""
    meta = _CSP_META.search(page)
    found = re.search(directive + r" ([^;]+);", html.unescape(meta.group(1))) if meta else None
    return found.group(1).strip() if found else ""


_NONE = "'none'"


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def write_report(
    net: ConceptNetwork,
    analysis: Analysis,
    out_dir: str | Path,
    lang: Lang = "de",
    changes: Changes | None = None,
    parallel: bool = False,
    pool: DrawingPool | None = None,
) -> ReportFiles:
    """Write the report of one concept into ``out_dir`` (created if missing).

    Parameters
    ----------
    net : ConceptNetwork
    analysis : Analysis
        The gap analysis of ``net`` (all kinds; its ``top`` cut is what the report lists).
    out_dir : path-like
    lang : {"de", "en"}
    changes : Changes, optional
        What changed since the version the concept revises; shown as a section of its own.
    parallel : bool, optional
        Draw the views' SVG and PNG in forked processes, one per view (see :func:`start_drawing`):
        for the command line, never inside the server.
    pool : DrawingPool, optional
        The drawing processes the command line started before the analysis (see
        :mod:`ikg.viz.drawing_pool`).

    Returns
    -------
    ReportFiles
    """
    from ikg.viz.html import to_html

    out = Path(out_dir)
    (out / "views").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    views: list[dict[str, str]] = []
    script_src = style_src = ""
    built = [(name, *build_view(net, analysis, ViewRequest(name, lang))) for name in REPORT_VIEWS]
    drawing = start_drawing([(graph, heading) for _, graph, heading in built], lang, parallel, pool)
    try:  # while the views are drawn
        pages = [to_html(graph, heading=heading, lang=lang) for _, graph, heading in built]
        content = report_content(analysis, lang, changes)
    finally:
        drawn = drawing()  # the drawing processes end here, whatever happened
    for (name, _graph, heading), page, (svg, png) in zip(built, pages, drawn, strict=True):
        for suffix, data in (("html", page.encode("utf-8")), ("svg", svg.encode("utf-8")), ("png", png)):
            path = Path("views") / f"{name}.{suffix}"
            (out / path).write_bytes(data)
            written.append(path)
        script_src, style_src = _sources(page, "script-src"), _sources(page, "style-src")
        png_uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        views.append({"name": name, "heading": heading, "page": page, "png_uri": png_uri})
    csp = (
        f"default-src 'none'; script-src {script_src or _NONE}; style-src {_hash(_CSS)} {style_src}; img-src data:; "
        "frame-src 'self'; base-uri 'none'; form-action 'none'"
    )
    by_key = {s.key: s for s in content.sections}
    document = _template().render(
        lang=lang,
        csp=csp,
        css=Markup(_CSS),  # noqa: S704 - the report's own style sheet, hashed into the CSP
        title=content.title,
        description=content.description,
        skip=t("views.report.skip", lang),
        figures_heading=t("viz.report.figures", lang),
        figures=_figures(content),
        coverage=_coverage(content, _section(by_key["coverage"], lang, heading=False)),
        strength_rule=content.strength_rule,
        changes=_changes(content),
        sections=[_section(by_key[k], lang) for k in ("missing-link", "other", "broker", "silo", "isolate")],
        action=t("report.action", lang),
        how=t("report.how", lang),
        views_heading=t("viz.report.views", lang),
        views=views,
        open_page=t("viz.report.open", lang),
        for_print=t("viz.report.print", lang),
        note=content.note,
    )
    (out / "index.html").write_text(document, encoding="utf-8")
    return ReportFiles(Path("index.html"), tuple(written))


def draw_views(
    views: Sequence[tuple[Any, str]], lang: Lang, parallel: bool = False, pool: DrawingPool | None = None
) -> list[tuple[str, bytes]]:
    """Draw each view (graph, heading) as SVG and PNG, in forked processes with ``parallel``.

    Parameters
    ----------
    views : sequence of (graph, heading)
    lang : {"de", "en"}
    parallel : bool, optional
        See :func:`start_drawing`.
    pool : DrawingPool, optional
        See :func:`start_drawing`.

    Returns
    -------
    list of (str, bytes)
        The SVG text and PNG file of each view.
    """
    return start_drawing(views, lang, parallel, pool)()


def start_drawing(
    views: Sequence[tuple[Any, str]], lang: Lang, parallel: bool = False, pool: DrawingPool | None = None
) -> Callable[[], list[tuple[str, bytes]]]:
    """Start drawing each view (graph, heading) as SVG and PNG; return a function that waits for them.

    Drawing is most of a report's time (matplotlib lays out every label's text). With ``pool``
    (:class:`~ikg.viz.drawing_pool.DrawingPool`, started by the command line before the analysis),
    its processes draw the views while the caller goes on writing the rest of the report. With
    ``parallel`` and no pool, such a pool is started here for these views and ended after them
    (where forking is safe: see :meth:`DrawingPool.start`). The files are the same byte for byte;
    should the processes fail, the views are drawn here.

    Parameters
    ----------
    views : sequence of (graph, heading)
    lang : {"de", "en"}
    parallel : bool, optional
    pool : DrawingPool, optional

    Returns
    -------
    callable
        Returns the SVG text and PNG file of each view, in order.
    """
    import multiprocessing

    from ikg.viz.drawing_pool import DrawingPool

    def here() -> list[tuple[str, bytes]]:
        from ikg.viz.static import to_svg_png

        return [to_svg_png(graph, heading=heading, lang=lang) for graph, heading in views]

    own = DrawingPool.start(len(views)) if pool is None and parallel and len(views) > 1 else None
    chosen = pool or own
    if chosen is None:
        return here
    try:
        pending = chosen.draw(views, lang)
    except (OSError, multiprocessing.ProcessError):
        if own is not None:
            own.end(at_once=True)
        return here

    def finish() -> list[tuple[str, bytes]]:
        try:
            drawn = pending()  # a failure or Ctrl-C has ended the pool's processes
        except (OSError, multiprocessing.ProcessError):
            return here()
        finally:
            if own is not None:
                own.end()  # its threads end too: the next report may fork again
        return drawn

    return finish


def write_document(
    analysis: Analysis,
    out_dir: str | Path,
    lang: Lang = "de",
    fmt: str = "docx",
    changes: Changes | None = None,
    issued: str | None = None,
    views: Sequence[PrintView] | None = None,
) -> Path:
    """Write the report as a Word document (``bericht.docx``) or a tagged PDF (``bericht.pdf``).

    The same content as the HTML report (:func:`ikg.viz.documents.content.report_content`), with
    the views drawn for print (:mod:`ikg.viz.documents.print_views`).

    Parameters
    ----------
    analysis : Analysis
    out_dir : path-like
        Created if missing.
    lang : {"de", "en"}
    fmt : {"docx", "pdf"}
    changes : Changes, optional
    issued : str, optional
        The concept's date (ISO), for the figures' source line.
    views : sequence of PrintView, optional
        The views drawn for print, when already drawn for another format (they are drawn here
        otherwise).

    Returns
    -------
    Path
        The file written, relative to ``out_dir``.
    """
    from ikg.viz.documents.print_views import print_views

    if fmt not in ("docx", "pdf"):
        raise ValueError(f"format must be docx or pdf, not {fmt!r}")
    content = report_content(analysis, lang, changes)
    views = print_views(analysis, lang, issued) if views is None else views
    if fmt == "docx":
        from ikg.viz.documents.docx import to_docx

        data = to_docx(content, views)
    else:
        from ikg.viz.documents.pdf import to_pdf

        data = to_pdf(content, views)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    base = t("report.file_name", lang)
    name = Path(f"{base}.{fmt}")
    (out / name).write_bytes(data)
    return name
