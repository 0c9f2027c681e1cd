"""Looking into the store: ``info``, ``concepts``, ``queries``, ``query``; and how results are written.

Results go to standard output or, with ``--out``, to a file whose ending chooses the format when
``--format`` is not given (:func:`output_format`). CSV follows the language (German Excel's
``;``, byte order mark and decimal comma in German); an XLSX workbook is never written to a
terminal (:func:`write_result`).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ikg.api.cli.common import HELP_LANG, Command, QueryFormat, echo, msg, open_store, query_timeout, state, where
from ikg.graph.errors import InputError
from ikg.graph.i18n import format_date, format_number, t

__all__ = ["echo_concept", "output_format", "register", "write_result"]

#: the format a file's ending asks for, when ``--format`` is not given
_SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".tsv": "tsv", ".json": "json", ".md": "md"}


def output_format(fmt: StrEnum | None, out: Path | None, allowed: tuple[str, ...]) -> str:
    """The format to write: ``--format``, else the ending of ``--out`` if it names one of ``allowed``, else ``table``.

    Examples
    --------
    >>> output_format(None, Path("luecken.xlsx"), ("table", "csv", "xlsx"))
    'xlsx'
    >>> output_format(None, Path("notizen.txt"), ("table", "csv")), output_format(None, None, ("table",))
    ('table', 'table')
    """
    if fmt is not None:
        return str(fmt.value)
    guess = _SUFFIXES.get(out.suffix.lower()) if out is not None else None
    return guess if guess in allowed else "table"


def write_result(data: bytes, fmt: str, out: Path | None) -> None:
    """Write a result to ``out`` (saying so on stderr) or to standard output.

    Raises
    ------
    InputError
        For a workbook (``xlsx``) on a terminal: it asks for ``--out``. Piped, its bytes go out.
    """
    from ikg.api.cli.data import write_out

    if out is None or str(out) == "-":
        if fmt == "xlsx" and sys.stdout.isatty():
            raise InputError(key="formats.cli.binary_to_terminal")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_out(data, out)


def echo_concept(c: Any) -> None:
    """Two lines about a concept: title, date, version it revises, size; then its counts per kind."""
    title = c.title.get(state.lang) or c.title.get("de") or c.id
    revises = msg("cli.revises", id=c.revision_of) if c.revision_of else ""
    issued = format_date(c.issued, state.lang) if c.issued else msg("cli.undated")
    echo(
        "cli.concept_line",
        id=c.id,
        title=title,
        issued=issued,
        revises=revises,
        triples=format_number(c.triples, state.lang),
    )
    counts = ", ".join(f"{msg('cli.kind.' + k)} {format_number(v, state.lang)}" for k, v in sorted(c.counts.items()))
    typer.echo(f"  {counts}")


def info() -> None:
    """Show what is in the store: concepts and counts per kind.

    Example: ikg info
    """
    from ikg.graph.library.inventory import list_concepts

    store = open_store(reading=True)
    echo(
        "cli.store_info",
        where=where(store),
        quads=format_number(len(store), state.lang),
        graphs=format_number(len(store.named_graphs()), state.lang),
    )
    from ikg.graph.store.base import is_url

    if is_url(state.store_path):  # a server the user named: what it can do (the HTTP client only then)
        from ikg.graph.store.remote import RemoteStore

        if isinstance(store, RemoteStore):
            for line in store.capabilities().describe(state.lang):
                typer.echo(line)
    for c in list_concepts(store):
        echo_concept(c)


def concepts() -> None:
    """List the concepts in the store (id, date, title, the version each revises).

    Example: ikg concepts
    """
    from rdflib import Literal

    from ikg.api.formats.rows import render_rows
    from ikg.graph.library.inventory import list_concepts

    rows = [
        (
            Literal(c.id),
            Literal(c.issued or ""),
            Literal(c.title.get(state.lang) or c.title.get("de", "")),
            Literal(c.revision_of or ""),
            Literal(c.triples),
        )
        for c in list_concepts(open_store(reading=True))
    ]
    head = [msg(f"cli.column.{name}") for name in ("id", "issued", "title", "revision_of", "triples")]
    typer.echo(render_rows(head, rows, "table"))


def queries() -> None:
    """List the named queries: name, title and parameters.

    Example: ikg queries
    """
    from ikg.graph.library.named import library

    for q in library().values():
        params = ", ".join(
            f"{p.name}:{p.type}{'' if p.required else '?'}" + (f"={p.default}" if p.default else "") for p in q.params
        )
        typer.echo(f"{q.name:<28} {q.title.get(state.lang, q.title['en'])}")
        listed = msg("cli.params", params=params or "-")
        typer.echo(f"{'':<28} {listed}")


def _parse_params(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(msg("cli.param_syntax", item=item))
        out[key.strip()] = value
    return out


def _with_concept(name: str, params: dict[str, str], concept: str) -> dict[str, str]:
    """``--concept X``: the parameter ``concept=X`` of a named query that has one."""
    from ikg.graph.library.named import get_query

    declared = [p.name for p in get_query(name).params]
    if "concept" not in declared:
        raise typer.BadParameter(msg("formats.cli.no_concept_param", query=name, params=", ".join(declared) or "-"))
    if params.get("concept", concept) != concept:
        raise typer.BadParameter(msg("formats.cli.concept_conflict", concept=concept, other=params["concept"]))
    return {**params, "concept": concept}


def query(
    name: Annotated[str | None, typer.Argument(help=t("cli.opt.query.name", HELP_LANG))] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help=t("cli.opt.query.param", HELP_LANG))] = None,
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.query.concept", HELP_LANG))] = None,
    expression: Annotated[
        str | None, typer.Option("-e", "--expression", help=t("cli.opt.query.expression", HELP_LANG))
    ] = None,
    file: Annotated[Path | None, typer.Option("--file", help=t("cli.opt.query.file", HELP_LANG))] = None,
    fmt: Annotated[
        QueryFormat | None, typer.Option("--format", "-f", help=t("cli.opt.query.format", HELP_LANG))
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=t("cli.opt.query.out", HELP_LANG))] = None,
) -> None:
    """Run a named query, or your own SELECT or ASK query (-e TEXT or --file F.rq).

    Parameters are checked against their declared type and bound safely, never pasted into the
    query text; an id or concept that does not exist is an error naming the closest ids. Your
    own queries run in a confined engine process that cannot reach the network; SERVICE, LOAD
    and FROM of anything but a store graph are refused with a message.

    Example: ikg query wg-members --concept beispielkreis-2024 --param wg_id=ag-sprache --out ag.xlsx
    """
    from ikg.api.formats.rows import encode_rows
    from ikg.graph.choices import ROW_FORMATS
    from ikg.graph.library.named import run_named
    from ikg.graph.store.sparql import run_user_select_or_ask

    if sum(x is not None for x in (name, expression, file)) != 1:
        raise typer.BadParameter(msg("cli.query_one_of"))
    chosen = output_format(fmt, out, ROW_FORMATS)
    if name is not None:
        params = _parse_params(param or [])
        if concept is not None:
            params = _with_concept(name, params, concept)
        names, rows = run_named(open_store(reading=True), name, params, terms="ox")  # no import of rdflib
    else:
        if param:
            raise typer.BadParameter(msg("cli.param_named_only"))
        if concept is not None:
            raise typer.BadParameter(msg("formats.cli.concept_named_only"))
        text = expression if expression is not None else Path(str(file)).read_text(encoding="utf-8")
        names, rows = run_user_select_or_ask(open_store(), text, deadline=query_timeout(), terms="ox")
    write_result(encode_rows(names, rows, chosen, state.lang, title=name or "ikg"), chosen, out)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``, with their help from the catalogue (not the docstrings)."""
    app.command(cls=Command, help=t("cli.cmd.info", HELP_LANG))(info)
    app.command(cls=Command, help=t("cli.cmd.concepts", HELP_LANG))(concepts)
    app.command(cls=Command, help=t("cli.cmd.queries", HELP_LANG))(queries)
    app.command(cls=Command, help=t("cli.cmd.query", HELP_LANG))(query)
