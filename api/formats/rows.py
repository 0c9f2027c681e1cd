"""Rendering SELECT results for people and programs: table, CSV, TSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ikg.graph.cells import spreadsheet_safe

__all__ = ["FORMATS", "render_rows", "spreadsheet_safe"]

FORMATS = ("table", "csv", "tsv", "json", "md")


def _plain(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def render_rows(names: Sequence[str], rows: Sequence[Sequence[Node | None]], fmt: str = "table") -> str:
    """Render SELECT results.

    Parameters
    ----------
    names : sequence of str
        Variable names.
    rows : sequence of sequences
        One tuple of terms (or ``None`` for unbound) per solution.
    fmt : str
        ``table`` (aligned text), ``csv`` / ``tsv`` (plain values, made safe for spreadsheets
        by :func:`spreadsheet_safe`), ``json`` (SPARQL 1.1 Query Results JSON) or ``md``
        (Markdown table).

    Returns
    -------
    str

    Examples
    --------
    >>> print(render_rows(["x"], [(Literal("a|b"),)], "md"))
    | x |
    | --- |
    | a\\|b |
    """
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in rows]
        return json.dumps(
            {"head": {"vars": list(names)}, "results": {"bindings": bindings}}, ensure_ascii=False, indent=2
        )
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(names)
        for row in rows:
            writer.writerow([spreadsheet_safe(_plain(t)) for t in row])
        return buf.getvalue().rstrip("\n")
    if fmt == "md":

        def cell(t: Node | None) -> str:
            return _plain(t).replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(names) + " |", "| " + " | ".join("---" for _ in names) + " |"]
        lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in rows]
        return "\n".join(lines)
    if fmt == "table":
        table = [list(names)] + [[_plain(t).replace("\n", " ") for t in row] for row in rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(names))]
        out = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in table]
        out.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(out)
    raise ValueError(f"unknown format {fmt!r} (use one of {', '.join(FORMATS)})")
