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
from typing import TYPE_CHECKING

from ikg.graph import choices
from ikg.graph.analysis.advice import Advice
from ikg.graph.analysis.compare import Changes
from ikg.graph.analysis.gaps import Analysis
from ikg.graph.analysis.network import ConceptNetwork
from ikg.graph.i18n import Lang, format_number, t
from ikg.viz.documents.content import ReportContent, Section, report_content
from ikg.viz.views import ViewRequest, build_view

if TYPE_CHECKING:
    from ikg.viz.documents.print_views import PrintView

__all__ = ["REPORT_FORMATS", "REPORT_VIEWS", "ReportFiles", "write_document", "write_report"]

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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _advice_html(advice: Advice, lang: Lang) -> str:
    """One finding: title and strength, the plain summary, the action, and "how we know" to open."""
    strength = t("report.strength", lang, strength=advice.strength_word)
    summary = "".join(f"<p>{_e(line)}</p>" for line in advice.summary)
    how = "".join(f"<li>{_e(line)}</li>" for line in advice.how)
    return (
        f'<li class="finding {advice.strength}"><strong>{_e(advice.title)}</strong> '
        f'<span class="strength">{_e(strength)}</span>{summary}'
        f'<p class="action"><strong>{_e(t("report.action", lang))}:</strong> {_e(advice.action)}</p>'
        f"<details><summary>{_e(t('report.how', lang))}</summary><ul>{how}</ul></details></li>"
    )


def _section(section: Section, lang: Lang, heading: bool = True) -> str:
    parts = [f"<h2>{_e(section.heading)}</h2>"] if heading else []
    if not section.advice:
        parts.append(f"<p>{_e(t('viz.report.none', lang))}</p>")
        return "".join(parts)
    if section.total > len(section.advice):
        shown = t(
            "viz.report.shown",
            lang,
            shown=format_number(len(section.advice), lang),
            total=format_number(section.total, lang),
        )
        parts.append(f'<p class="muted">{_e(shown)}</p>')
    parts.append('<ol class="findings">' + "".join(_advice_html(a, lang) for a in section.advice) + "</ol>")
    return "".join(parts)


def _figures(content: ReportContent) -> str:
    body = "".join(
        f'<tr data-figure="{_e(row.key)}"><th scope="row">{_e(row.label)}</th>'
        f'<td class="n">{_e(format_number(row.value, content.lang))}</td></tr>'
        for row in content.figures
    )
    return f"<table>{body}</table>"


def _coverage(content: ReportContent) -> str:
    lang = content.lang
    columns = (
        t("viz.report.column.item", lang),
        t("viz.report.column.goals", lang),
        t("viz.report.column.groups", lang),
        t("viz.report.column.actors", lang),
        t("viz.report.column.status", lang),
    )
    head = "".join(f"<th>{_e(name)}</th>" for name in columns)
    rows = []
    for line in content.coverage:
        css = "gap" if line.gaps else "ok"
        groups = format_number(line.groups, lang) if line.groups is not None else "–"
        rows.append(
            f"<tr><td>{_e(line.label)}</td><td class='n'>{_e(format_number(line.goals, lang))}</td>"
            f"<td class='n'>{_e(groups)}</td><td class='n'>{_e(format_number(line.actors, lang))}</td>"
            f'<td><span class="{css}">{_e(line.status)}</span></td></tr>'
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _changes(content: ReportContent) -> str:
    if content.changes is None:
        return ""
    from ikg.viz.documents.changes import change_lines

    heading, lines = change_lines(content.changes, content.lang)
    return f"<h2>{_e(heading)}</h2><ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>"


def _sources(page: str, directive: str) -> str:
    """The sources of one directive of a view page's Content-Security-Policy."""
    found = re.search(directive + r" ([^;]+);", html.unescape(page))
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
    content = report_content(analysis, lang, changes)
    title, desc = content.title, content.description
    views = t("viz.report.views", lang)
    skip = t("views.report.skip", lang)
    by_key = {s.key: s for s in content.sections}
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="desc">{_e(desc)}</p>' if desc else "",
        f"<h2>{_e(t('viz.report.figures', lang))}</h2>{_figures(content)}",
        f"<h2>{_e(t('viz.report.coverage', lang))}</h2>{_coverage(content)}",
        _section(by_key["coverage"], lang, heading=False),
        f'<p class="muted">{_e(content.strength_rule)}</p>',
        _changes(content),
        *(_section(by_key[k], lang) for k in ("missing-link", "other", "broker", "silo", "isolate")),
        f"<h2>{_e(views)}</h2>{''.join(sections)}",
        f'<p class="muted">{_e(content.note)}</p>',
    ]
    document = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#main">{_e(skip)}</a>\n<main id="main" tabindex="-1">\n'
        + "\n".join(part for part in body if part)
        + "\n</main>\n</body>\n</html>\n"
    )
    (out / "index.html").write_text(document, encoding="utf-8")
    return ReportFiles(Path("index.html"), tuple(written))


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
