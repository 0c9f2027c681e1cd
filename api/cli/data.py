"""Getting data in and out: ``import``, ``validate``, ``export``, ``template``, ``drop``."""

from __future__ import annotations

import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ikg.api.cli.common import (
    HELP_LANG,
    Command,
    ExportFormat,
    LangOption,
    echo,
    err,
    msg,
    open_store,
    progress,
    state,
)
from ikg.graph import choices
from ikg.graph.errors import InputError
from ikg.graph.i18n import format_number, resolve_lang, t, tn

__all__ = ["register"]

#: the default of ``export --format``, a member of its choices
_TRIG = ExportFormat("trig")


class SheetFormat(StrEnum):
    """What ``ikg template`` writes: a workbook or a folder of CSV files."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.SHEET_FORMATS:
        vars()[choice] = choice


#: the default of ``template --format``
_XLSX = SheetFormat("xlsx")


def import_(
    path: Annotated[Path, typer.Argument(help=t("cli.opt.import.path", HELP_LANG))],
    graph: Annotated[str | None, typer.Option("--graph", help=t("cli.opt.import.graph", HELP_LANG))] = None,
) -> None:
    """Import a concept from a spreadsheet, or an RDF file into a named graph; all or nothing.

    Every problem is reported at once, with file or sheet, row and column; then nothing is
    written. Re-importing the same data changes nothing.

    Example: ikg import data/beispiel/   |   ikg import konzept.xlsx   |   ikg import extra.ttl --graph https://example.org/g
    """
    from ikg.graph.ingest.importer import import_path
    from ikg.graph.ingest.problems import render

    store = open_store()
    started = time.perf_counter()
    with progress(True) as report:
        result = import_path(store, path, graph, report)
    store.flush()
    elapsed = time.perf_counter() - started
    for warning in result.warnings:
        err(render(warning, state.lang))
    what = msg("cli.concept", id=result.concept_id) if result.concept_id else ", ".join(result.graphs)
    echo(
        "cli.imported",
        what=what,
        triples=format_number(result.triples, state.lang),
        added=format_number(result.change.added, state.lang),
        removed=format_number(result.change.removed, state.lang),
        seconds=format_number(elapsed, state.lang, 2),
    )


def validate(path: Annotated[Path, typer.Argument(help=t("cli.opt.validate.path", HELP_LANG))]) -> None:
    """Check a spreadsheet without writing anything: every problem, with row and column.

    Example: ikg validate konzept.xlsx
    """
    from ikg.graph.ingest.importer import check_spreadsheet
    from ikg.graph.ingest.problems import render

    with progress(True) as report:
        mapped = check_spreadsheet(path, report)
    errors = [p for p in mapped.problems if p.severity == "error"]
    for problem in mapped.problems:
        typer.echo(render(problem, state.lang), err=True)
    if errors:
        raise InputError(f"{path.name}: {len(errors)} problem(s)", key="cli.invalid", name=path.name, n=len(errors))
    echo(
        "cli.valid",
        name=path.name,
        concept=mapped.concept_id,
        rows=format_number(sum(mapped.counts.values()), state.lang),
        triples=format_number(mapped.text.count() if mapped.text else 0, state.lang),
    )


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help=t("cli.opt.export.format", HELP_LANG) + " " + t("sheets.opt.export.format", HELP_LANG),
        ),
    ] = _TRIG,
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.export.concept", HELP_LANG))] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help=t("cli.opt.export.out", HELP_LANG) + " " + t("sheets.opt.export.out", HELP_LANG)
        ),
    ] = None,
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.export.lang", HELP_LANG))] = None,
) -> None:
    """Export concepts as Turtle, TriG, N-Quads or JSON-LD, the actor network as GraphML or GEXF,
    or one concept as the spreadsheet (xlsx, csv) an import reads.

    GraphML and GEXF hold the actor network (a tie: a shared working group or a cooperation)
    with degree, betweenness, constraint, effective size and community as node attributes, so
    Gephi users can go on from there. The spreadsheet is the template's format with the
    concept's rows: imported again unchanged, it changes nothing.

    Example: ikg export --format gexf --concept beispielkreis-2024 --out netz.gexf
    """
    from ikg.graph.choices import NETWORK_FORMATS, SHEET_FORMATS

    chosen = fmt.value
    language = resolve_lang(lang.value) if lang else state.lang
    if chosen in SHEET_FORMATS:
        _check_out(chosen, out, concept or msg("sheets.file.concept"))
    store = open_store()
    if chosen in SHEET_FORMATS:
        from ikg.graph.sheets.export import choose_concept, export_csv, export_xlsx

        which = choose_concept(store, concept)
        if chosen == "csv":
            _write_folder(export_csv(store, which, language), out)
        else:
            write_out(export_xlsx(store, which, language), out)
        return
    if chosen in NETWORK_FORMATS:
        from ikg.graph.analysis.gaps import analyse_store
        from ikg.graph.analysis.netexport import export_network

        data = export_network(analyse_store(store, concept, kinds=()), chosen, language)
    else:
        from ikg.graph.library.export import export_concepts

        data = export_concepts(store, chosen, concept)
    write_out(data, out)


def template(
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.template.lang", HELP_LANG))] = None,
    fmt: Annotated[SheetFormat, typer.Option("--format", "-f", help=t("cli.opt.template.format", HELP_LANG))] = _XLSX,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=t("cli.opt.template.out", HELP_LANG))] = None,
) -> None:
    """Write a template for a new concept: instructions, a sheet (or CSV file) per table with
    example rows, drop-down lists, required columns marked. Needs no store.

    Example: ikg template --lang de --out vorlage.xlsx
    """
    from ikg.graph.sheets.template import template_csv, template_xlsx

    language = resolve_lang(lang.value) if lang else state.lang
    _check_out(fmt.value, out, t("sheets.file.template", language))
    if fmt.value == "csv":
        _write_folder(template_csv(language), out)
    else:
        write_out(template_xlsx(language), out)


def _check_out(fmt: str, out: Path | None, stem: str) -> None:
    """Refuse what cannot go where it would: CSV files without a folder, a workbook to a terminal."""
    if fmt == "csv" and (out is None or str(out) == "-"):
        raise InputError(key="sheets.cli.csv_needs_out", folder=f"{stem}/")
    if fmt == "xlsx" and (out is None or str(out) == "-") and sys.stdout.isatty():
        raise InputError(key="sheets.cli.needs_out", file=f"{stem}.xlsx")


def _write_folder(files: dict[str, bytes], out: Path | None) -> None:
    """Write CSV files into the folder ``out``, and say so on stderr."""
    from ikg.graph.sheets.csvfiles import write_folder

    assert out is not None  # _check_out has refused CSV without a folder
    folder = write_folder(files, out)
    err(tn("sheets.cli.wrote_folder", len(files), state.lang, path=str(folder)))


def write_out(data: bytes, out: Path | str | None) -> None:
    """Write ``data`` to stdout (``None`` or ``-``) or to a file, and say so on stderr."""
    if out is None or str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    Path(out).write_bytes(data)
    err(msg("cli.wrote", path=str(out), size=format_number(len(data), state.lang)))


def drop(
    concept: Annotated[str, typer.Option("--concept", help=t("cli.opt.drop.concept", HELP_LANG))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=t("cli.opt.drop.yes", HELP_LANG))] = False,
) -> None:
    """Remove a concept (its whole named graph) from the store.

    Example: ikg drop --concept beispielkreis --yes
    """
    from ikg.graph.library.inventory import require_concept

    store = open_store()
    info = require_concept(store, concept)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("refusing to drop without confirmation: add --yes", key="cli.drop_needs_yes")
        typer.confirm(msg("cli.drop_confirm", id=concept, triples=format_number(info.triples, state.lang)), abort=True)
    n = store.drop_graph(info.graph)
    store.flush()
    typer.echo(tn("cli.dropped", n, state.lang, id=concept))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``, with their help from the catalogue (not the docstrings)."""
    app.command("import", cls=Command, help=t("cli.cmd.import", HELP_LANG))(import_)
    app.command(cls=Command, help=t("cli.cmd.validate", HELP_LANG))(validate)
    app.command(cls=Command, help=t("cli.cmd.export", HELP_LANG) + "\n\n" + t("sheets.cmd.export", HELP_LANG))(export)
    app.command(cls=Command, help=t("cli.cmd.template", HELP_LANG))(template)
    app.command(cls=Command, help=t("cli.cmd.drop", HELP_LANG))(drop)
