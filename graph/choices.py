"""The names users choose from (gap kinds, views, formats, metrics), in one light module.

The command line builds its options from these tuples and the HTTP API its enums, so a choice
is spelled once; the modules that do the work import them from here too. Importing this module
costs nothing (no rdflib, no networkx), so ``ikg --help`` stays instant.
"""

from __future__ import annotations

from ikg.graph.i18n import LANGS

__all__ = [
    "EXPORT_FORMATS",
    "GAP_FORMATS",
    "GAP_KINDS",
    "LANGS",
    "METRICS",
    "NETWORK_FORMATS",
    "REPORT_FORMATS",
    "ROW_FORMATS",
    "SHEET_FORMATS",
    "VIEWS",
    "VIEW_FORMATS",
]

#: kinds of networking gap, in the order reports show them
GAP_KINDS = ("missing-link", "coverage", "broker", "silo", "isolate")
#: the named network views
VIEWS = ("overview", "actors", "action-field", "working-group", "ego", "gaps")
#: what a view draws: interactive page or print figure
VIEW_FORMATS = ("html", "svg", "png")
#: what an actor's size in a view can show
METRICS = ("betweenness", "degree", "effective_size", "constraint")
#: RDF formats of ``ikg export``
EXPORT_FORMATS = ("turtle", "trig", "nquads", "jsonld")
#: a concept as the spreadsheet an import reads (``ikg export``, ``ikg template``)
SHEET_FORMATS = ("xlsx", "csv")
#: the report: one HTML file with its views, a Word document, a tagged PDF
REPORT_FORMATS = ("html", "docx", "pdf")
#: the actor network for Gephi and friends
NETWORK_FORMATS = ("graphml", "gexf")
#: tables of query results
ROW_FORMATS = ("table", "csv", "tsv", "json", "md", "xlsx")
#: findings and metrics
GAP_FORMATS = ("table", "json", "csv", "md", "xlsx")
