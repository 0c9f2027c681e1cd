"""The report as a tagged PDF (WeasyPrint, PDF/UA-1) from an HTML page made for print.

A4 pages with the page number at the foot, a title page, the contents with the page of each
section (CSS ``target-counter``), the same content as the Word document, the figures as 300 dpi
images with their alternative text and captions. WeasyPrint fetches nothing: the images are
``data:`` URIs and no URL is resolved against the network.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

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


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    top = "".join(f"<th scope='col'>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f"<td class='n'>{_e(c)}</td>" if i in numeric else f"<td>{_e(c)}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{top}</tr></thead><tbody>{body}</tbody></table>"


def print_html(content: ReportContent, views: Sequence[PrintView]) -> str:
    """The print page of the report (what :func:`to_pdf` renders).

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
    parts: list[tuple[str, str, str]] = []  # (anchor, heading, body)
    figures = _table(
        (t("report.column.figure", lang), t("report.column.value", lang)),
        [(r.label, format_number(r.value, lang)) for r in content.figures],
        numeric=(1,),
    )
    parts.append(("figures", t("viz.report.figures", lang), figures))
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
    parts.append(
        ("coverage", t("viz.report.coverage", lang), coverage + f"<p class='muted'>{_e(content.strength_rule)}</p>")
    )
    if content.changes is not None:
        from ikg.viz.documents.changes import change_lines

        heading, lines = change_lines(content.changes, lang)
        parts.append(("changes", heading, "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in lines) + "</ul>"))
    for n, section in enumerate(content.sections):
        body = []
        if not section.advice:
            body.append(f"<p>{_e(t('viz.report.none', lang))}</p>")
        elif section.total > len(section.advice):
            shown = t(
                "viz.report.shown",
                lang,
                shown=format_number(len(section.advice), lang),
                total=format_number(section.total, lang),
            )
            body.append(f"<p class='muted'>{_e(shown)}</p>")
        for a in section.advice:
            strength = t("report.strength", lang, strength=a.strength_word)
            body.append(
                f"<div class='finding'><h2>{_e(a.title)} ({_e(strength)})</h2>"
                + "".join(f"<p>{_e(x)}</p>" for x in a.summary)
                + f"<p class='action'><strong>{_e(t('report.action', lang))}:</strong> {_e(a.action)}</p>"
                + f"<p class='how'><em>{_e(t('report.how', lang))}:</em> {_e(' '.join(a.how))}</p></div>"
            )
        parts.append((f"s{n}", section.heading, "".join(body)))
    pictures = []
    for number, view in enumerate(views, start=1):
        uri = "data:image/png;base64," + base64.b64encode(view.figure.png).decode("ascii")
        caption = t("report.figure_caption", lang, n=number, heading=view.heading)
        legend = ""
        if view.figure.numbered:
            legend = f"<p class='muted'>{_e(t('report.legend_numbers', lang, n=number))}</p>" + _table(
                (t("report.column.number", lang), t("report.column.name", lang)),
                [(str(k), name) for k, name in view.figure.numbered],
                numeric=(0,),
            )
        pictures.append(
            f"<figure><img src='{uri}' alt='{_e(view.alt)}'><figcaption>{_e(caption)}</figcaption></figure>{legend}"
        )
    if pictures:
        parts.append(("views", t("viz.report.views", lang), "".join(pictures)))
    toc = "".join(f"<li><a href='#{a}'>{_e(h)}</a></li>" for a, h, _ in parts)
    sections = "".join(f"<section><h1 id='{a}'>{_e(h)}</h1>{b}</section>" for a, h, b in parts)
    desc = f"<p>{_e(content.description)}</p>" if content.description else ""
    css = _CSS % {"page": t("report.page", lang)}
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{_e(content.title)}</title>"
        f"<meta name='author' content='ikg'><style>{css}</style></head><body>"
        f"<div class='cover'><p>{_e(t('report.made_for', lang))}</p><h1>{_e(content.title)}</h1>{desc}"
        f"<p class='muted'>{_e(content.note)}</p></div>"
        f"<nav class='toc'><h1>{_e(t('report.contents', lang))}</h1><ol>{toc}</ol></nav>{sections}</body></html>"
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
