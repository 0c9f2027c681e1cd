"""The network views drawn for print (Word and PDF): A4 text width, 300 dpi, alt text and source line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ikg.graph.analysis.gaps import Analysis
from ikg.graph.i18n import Lang, format_date, format_number, t
from ikg.viz.documents.figure import PrintFigure, to_print
from ikg.viz.views import ViewRequest, build_view

__all__ = ["PRINT_VIEWS", "PrintView", "print_views"]

#: the views a printed report shows: the actor network with the missing links, and everything
PRINT_VIEWS: tuple[str, ...] = ("gaps", "overview")


@dataclass(frozen=True)
class PrintView:
    """One view for print: its heading, alternative text and the drawing."""

    name: str
    heading: str
    alt: str
    figure: PrintFigure


def print_views(
    analysis: Analysis, lang: Lang, issued: str | None = None, names: Sequence[str] = PRINT_VIEWS
) -> list[PrintView]:
    """Draw the views of a report for print.

    Parameters
    ----------
    analysis : Analysis
    lang : {"de", "en"}
    issued : str, optional
        The concept's date (ISO), for the source line.
    names : sequence of str
        Which views.

    Returns
    -------
    list of PrintView
    """
    net = analysis.network
    date = format_date(issued, lang) if issued else "–"
    source = t("report.source", lang, title=net.title(lang), date=date)
    out = []
    for name in names:
        graph, heading = build_view(net, analysis, ViewRequest(name, lang))
        figure = to_print(graph, heading=heading, source=source, lang=lang)
        alt = t("report.alt", lang, heading=heading, nodes=format_number(figure.nodes, lang))
        out.append(PrintView(name, heading, alt, figure))
    return out
