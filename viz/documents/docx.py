"""The report as a Word document (python-docx): title page, contents, real tables, figures with alt text.

Headings use Word's own styles (``Title``, ``Heading 1``, ``Heading 2``), so the contents (a TOC
field that Word fills when the document opens) and the navigation pane work; key figures and
coverage are Word tables; each figure is a 300 dpi PNG with its alternative text (``descr`` of
the picture) and a caption (style ``Caption``), followed by the table of the numbers in it. Page
numbers stand in the footer (a PAGE field). It opens in Word and LibreOffice.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ikg.graph.i18n import format_number, t
from ikg.viz.documents.content import ReportContent
from ikg.viz.documents.print_views import PrintView

__all__ = ["to_docx"]


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """Append a complex field (``TOC``, ``PAGE``) to ``paragraph``; Word computes its result."""
    run = paragraph.add_run()
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", placeholder),
        ("end", None),
    ):
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        elif kind == "text":
            node = OxmlElement("w:t")
            node.text = text or ""
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run._r.append(node)


def _table(document, head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> None:
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = text
            if i in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _picture(document, view: PrintView, number: int, lang) -> None:
    document.add_picture(io.BytesIO(view.figure.png), width=Cm(16))
    inline = document.paragraphs[-1].runs[-1]._r
    for pr in inline.iter(qn("wp:docPr")):
        pr.set("descr", view.alt)
        pr.set("title", view.heading)
    caption = document.add_paragraph(t("report.figure_caption", lang, n=number, heading=view.heading), style="Caption")
    caption.paragraph_format.keep_with_next = bool(view.figure.numbered)
    if view.figure.numbered:
        document.add_paragraph(t("report.legend_numbers", lang, n=number), style="Caption")
        rows = [(str(k), name) for k, name in view.figure.numbered]
        _table(document, (t("report.column.number", lang), t("report.column.name", lang)), rows, numeric=(0,))


def to_docx(content: ReportContent, views: Sequence[PrintView]) -> bytes:
    """Lay the report out as a Word document.

    Parameters
    ----------
    content : ReportContent
    views : sequence of PrintView
        The figures for print (:func:`ikg.viz.documents.print_views.print_views`).

    Returns
    -------
    bytes
        The ``.docx`` file.
    """
    lang = content.lang
    document = Document()
    document.core_properties.title = content.title
    document.core_properties.language = lang
    document.core_properties.author = "ikg"
    styles = document.styles
    styles["Normal"].font.name = "DejaVu Sans"
    styles["Normal"].font.size = Pt(10)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.5)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(t("report.page", lang) + " ")
    _field(footer, "PAGE", "1")
    # title page
    document.add_paragraph(t("report.made_for", lang)).runs[0].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    document.add_paragraph(content.title, style="Title")
    if content.description:
        document.add_paragraph(content.description)
    document.add_paragraph(content.note).runs[0].font.size = Pt(8)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(t("report.contents", lang), level=1)
    _field(document.add_paragraph(), 'TOC \\o "1-2" \\h \\z \\u', t("report.contents", lang))
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    # key figures and coverage
    document.add_heading(t("viz.report.figures", lang), level=1)
    rows = [(r.label, format_number(r.value, lang)) for r in content.figures]
    _table(document, (t("report.column.figure", lang), t("report.column.value", lang)), rows, numeric=(1,))
    document.add_heading(t("viz.report.coverage", lang), level=1)
    head = [
        t("viz.report.column.item", lang),
        t("viz.report.column.goals", lang),
        t("viz.report.column.groups", lang),
        t("viz.report.column.actors", lang),
        t("viz.report.column.status", lang),
    ]
    cov = [
        (
            c.label,
            format_number(c.goals, lang),
            format_number(c.groups, lang) if c.groups is not None else "–",
            format_number(c.actors, lang),
            c.status,
        )
        for c in content.coverage
    ]
    _table(document, head, cov, numeric=(1, 2, 3))
    document.add_paragraph(content.strength_rule).runs[0].font.size = Pt(8)
    if content.changes is not None:
        from ikg.viz.documents.changes import change_lines

        heading, lines = change_lines(content.changes, lang)
        document.add_heading(heading, level=1)
        for line in lines:
            document.add_paragraph(line, style="List Bullet")
    for part in content.sections:
        document.add_heading(part.heading, level=1)
        if not part.advice:
            document.add_paragraph(t("viz.report.none", lang))
        elif part.total > len(part.advice):
            shown = t(
                "viz.report.shown",
                lang,
                shown=format_number(len(part.advice), lang),
                total=format_number(part.total, lang),
            )
            document.add_paragraph(shown)
        for advice in part.advice:
            document.add_heading(
                f"{advice.title} ({t('report.strength', lang, strength=advice.strength_word)})", level=2
            )
            for line in advice.summary:
                document.add_paragraph(line)
            action = document.add_paragraph()
            action.add_run(t("report.action", lang) + ": ").bold = True
            action.add_run(advice.action)
            how = document.add_paragraph()
            how.add_run(t("report.how", lang) + ": ").italic = True
            run = how.add_run(" ".join(advice.how))
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    if views:
        document.add_heading(t("viz.report.views", lang), level=1)
        for number, view in enumerate(views, start=1):
            _picture(document, view, number, lang)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()
