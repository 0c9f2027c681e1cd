"""The report as a tagged PDF (WeasyPrint, PDF/UA-1) from an HTML page made for print.

A4 pages with the page number at the foot, a title page, the contents with the page of each
section (CSS ``target-counter``), the same content as the Word document, the figures as 300 dpi
images with their alternative text and captions. WeasyPrint fetches nothing: the images are
``data:`` URIs and no URL is resolved against the network.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, Template
from markupsafe import Markup

from ikg.graph.i18n import format_number, t
from ikg.viz.documents.content import ReportContent
from ikg.viz.documents.print_views import PrintView

__all__ = ["print_html", "to_pdf"]

_CSS = """
@page { size: A4; margin: 2.2cm 2.5cm; @bottom-center { content: "%(page)s " counter(page); font-size: 8pt; } }
@page :first { @bottom-center { content: none; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; color: #222; }
h1 { font-size: 16pt; margin: 1.2em 0 .4em; page-break-after: avoid; }
h2 { font-size: 11.5pt; margin: 1em 0 .3em; page-break-after: avoid; }
.cover { page-break-after: always; padding-top: 6cm; }
.cover h1 { font-size: 22pt; }
.toc { page-break-after: always; } .toc a { color: #222; text-decoration: none; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
.toc ol { list-style: none; padding: 0; }
table { border-collapse: collapse; margin: .4em 0 1em; } th, td { border: 1px solid #999; padding: 2pt 5pt; }
td.n { text-align: right; } thead { display: table-header-group; }
.action { background: #eef4f1; padding: 2pt 4pt; } .how { font-size: 8pt; color: #444; }
.finding { page-break-inside: avoid; } .muted { font-size: 8pt; color: #444; }
figure { margin: 1em 0; page-break-inside: avoid; } figure img { width: 16cm; }
figcaption { font-size: 9pt; font-style: italic; }
"""


@cache
def _template() -> Template:
    """The print page's template (``viz/templates/print.html``), escaping every value."""
    env = Environment(loader=PackageLoader("ikg.viz", "templates"), autoescape=True, trim_blocks=False)
    return env.get_template("print.html")


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> dict[str, Any]:
    return {"head": list(head), "rows": [list(r) for r in rows], "numeric": set(numeric)}


def print_html(content: ReportContent, views: Sequence[PrintView]) -> str:
    """The print page of the report (what :func:`to_pdf` renders), from ``viz/templates/print.html``.

    Parameters
    ----------
    content : ReportContent
    views : sequence of PrintView

    Returns
    -------
    str
        A complete HTML document.
    """
    lang = content.lang
    sections: list[dict[str, Any]] = []
    figures = _table(
        (t("report.column.figure", lang), t("report.column.value", lang)),
        [(r.label, format_number(r.value, lang)) for r in content.figures],
        numeric=(1,),
    )
    sections.append({"anchor": "figures", "heading": t("viz.report.figures", lang), "table": figures})
    coverage = _table(
        (
            t("viz.report.column.item", lang),
            t("viz.report.column.goals", lang),
            t("viz.report.column.groups", lang),
            t("viz.report.column.actors", lang),
            t("viz.report.column.status", lang),
        ),
        [
            (
                c.label,
                format_number(c.goals, lang),
                format_number(c.groups, lang) if c.groups is not None else "–",
                format_number(c.actors, lang),
                c.status,
            )
            for c in content.coverage
        ],
        numeric=(1, 2, 3),
    )
    sections.append(
        {
            "anchor": "coverage",
            "heading": t("viz.report.coverage", lang),
            "table": coverage,
            "note": content.strength_rule,
        }
    )
    if content.changes is not None:
        from ikg.viz.documents.changes import change_lines

        heading, lines = change_lines(content.changes, lang)
        sections.append({"anchor": "changes", "heading": heading, "lines": lines})
    for n, section in enumerate(content.sections):
        shown = None
        if section.advice and section.total > len(section.advice):
            shown = t(
                "viz.report.shown",
                lang,
                shown=format_number(len(section.advice), lang),
                total=format_number(section.total, lang),
            )
        findings = [
            {
                "title": a.title,
                "strength": t("report.strength", lang, strength=a.strength_word),
                "summary": a.summary,
                "action_label": t("report.action", lang),
                "action": a.action,
                "how_label": t("report.how", lang),
                "how": " ".join(a.how),
            }
            for a in section.advice
        ]
        empty = None if section.advice else t("viz.report.none", lang)
        sections.append(
            {"anchor": f"s{n}", "heading": section.heading, "note": shown, "empty": empty, "findings": findings}
        )
    pictures = []
    for number, view in enumerate(views, start=1):
        numbered = view.figure.numbered
        pictures.append(
            {
                "uri": "data:image/png;base64," + base64.b64encode(view.figure.png).decode("ascii"),
                "alt": view.alt,
                "caption": t("report.figure_caption", lang, n=number, heading=view.heading),
                "legend": t("report.legend_numbers", lang, n=number) if numbered else None,
                "numbers": _table(
                    (t("report.column.number", lang), t("report.column.name", lang)),
                    [(str(k), name) for k, name in numbered],
                    numeric=(0,),
                ),
            }
        )
    if pictures:
        sections.append({"anchor": "views", "heading": t("viz.report.views", lang), "pictures": pictures})
    return _template().render(
        lang=lang,
        title=content.title,
        description=content.description,
        note=content.note,
        made_for=t("report.made_for", lang),
        contents=t("report.contents", lang),
        css=Markup(_CSS % {"page": t("report.page", lang)}),  # noqa: S704 - ikg's own style sheet
        sections=sections,
    )


def to_pdf(content: ReportContent, views: Sequence[PrintView]) -> bytes:
    """Render the report as a tagged PDF (PDF/UA-1).

    Parameters
    ----------
    content : ReportContent
    views : sequence of PrintView

    Returns
    -------
    bytes
        The PDF file.
    """
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)  # only data: URIs, never the network
    document = HTML(string=print_html(content, views), url_fetcher=fetcher)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return bytes(pdf or b"")
