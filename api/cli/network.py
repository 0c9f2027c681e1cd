"""The network: ``gaps``, ``metrics``, ``view``, ``report``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikg.api.cli.common import (
    HELP_LANG,
    Command,
    GapFormat,
    GapKind,
    LangOption,
    ReportFormat,
    SizeBy,
    ViewFormat,
    ViewName,
    msg,
    open_store,
    state,
)
from ikg.api.cli.data import write_out
from ikg.api.cli.explore import output_format, write_result
from ikg.graph.errors import InputError
from ikg.graph.i18n import Lang, resolve_lang, t

#: the default of ``report --format``, a member of its choices
_HTML = ReportFormat("html")

if TYPE_CHECKING:  # the store's modules load rdflib and pyoxigraph: not for ``ikg --help``
    from ikg.graph.store.base import StoreLike
    from ikg.viz.drawing_pool import DrawingPool

__all__ = ["register", "write_reports"]

#: option defaults, as members of their choices
_BETWEENNESS = SizeBy("betweenness")


class ColorBy(StrEnum):
    """What the actors' colour and shape in a view show (``ikg view --color-by``)."""

    type = "type"
    town = "town"
    group = "group"


_BY_TYPE = ColorBy("type")


def _lang(option: LangOption | None) -> Lang:
    return resolve_lang(option.value) if option else state.lang


def _kinds(values: list[GapKind] | None) -> tuple[str, ...]:
    from ikg.graph.choices import GAP_KINDS

    chosen = [v.value for v in values or []] or ["all"]
    return GAP_KINDS if "all" in chosen else tuple(k for k in GAP_KINDS if k in chosen)


def gaps(
    kind: Annotated[
        list[GapKind] | None,
        typer.Option("--kind", "-k", help=t("cli.opt.gaps.kind", HELP_LANG)),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=0, help=t("cli.opt.gaps.top", HELP_LANG))] = 10,
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.gaps.concept", HELP_LANG))] = None,
    fmt: Annotated[GapFormat | None, typer.Option("--format", "-f", help=t("cli.opt.gaps.format", HELP_LANG))] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=t("cli.opt.gaps.out", HELP_LANG))] = None,
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.gaps.lang", HELP_LANG))] = None,
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            metavar="TYPE",
            help=t("cli.opt.gaps.require", HELP_LANG),
        ),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="OLD_ID", help=t("cli.opt.gaps.since", HELP_LANG))
    ] = None,
) -> None:
    """Find networking gaps: missing links, coverage gaps, brokers, silos and isolated actors.

    Every finding comes with its reasons (sentences in German or English) and, in JSON, the
    evidence behind them: shared goals, action fields, towns, actor types, metrics. CSV and XLSX
    have German headers in German, CSV then as German Excel opens it.

    Example: ikg gaps --kind missing-link --top 5 --concept beispielkreis-2024 --lang de
    """
    from ikg.api.formats.findings import encode_gaps
    from ikg.graph.analysis.gaps import analyse_store
    from ikg.graph.choices import GAP_FORMATS

    if since is not None:
        _changes(concept, since, _lang(lang), fmt)
        return
    written = output_format(fmt, out, GAP_FORMATS)
    chosen = _kinds(kind)
    analyses = analyse_store(open_store(reading=True), concept, chosen, top or None, require or None)
    write_result(encode_gaps(analyses, chosen, _lang(lang), written), written, out)


def _changes(concept: str | None, since: str, lang: Lang, fmt: GapFormat | None) -> None:
    """``ikg gaps --since OLD_ID``: what changed since an earlier version, as text or JSON."""
    import json

    from ikg.graph.analysis.compare import compare_store
    from ikg.viz.documents.changes import change_lines

    store = open_store()
    changes = compare_store(store, _one_concept(store, concept), since)
    if fmt is not None and fmt.value == "json":
        typer.echo(json.dumps(changes.to_dict(), ensure_ascii=False, indent=2))
        return
    heading, lines = change_lines(changes, lang)
    typer.echo(f"== {changes.new} ==\n{heading}")
    for line in lines:
        typer.echo(f"  {line}")


def metrics(
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.metrics.concept", HELP_LANG))] = None,
    fmt: Annotated[
        GapFormat | None, typer.Option("--format", "-f", help=t("cli.opt.metrics.format", HELP_LANG))
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=t("cli.opt.metrics.out", HELP_LANG))] = None,
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.metrics.lang", HELP_LANG))] = None,
) -> None:
    """Per actor: degree, betweenness, Burt's constraint, effective size, community, articulation point.

    Sorted by betweenness, highest first. Betweenness is exact up to 2,000 actors and estimated
    from 256 pivots (fixed seed) above; the JSON output says which.

    Example: ikg metrics --concept beispielkreis-2024 --format csv
    """
    from ikg.api.formats.findings import encode_metrics
    from ikg.graph.analysis.gaps import analyse_store
    from ikg.graph.choices import GAP_FORMATS

    written = output_format(fmt, out, GAP_FORMATS)
    analyses = analyse_store(open_store(reading=True), concept, kinds=())
    write_result(encode_metrics(analyses, _lang(lang), written), written, out)


def _one_concept(store: StoreLike, concept: str | None) -> str:
    from ikg.graph.analysis.network import choose_concepts

    try:
        (chosen,) = choose_concepts(store, concept, one=True, hint="--concept")
    except InputError as exc:  # a wrong command line: exit code 2, like typer's own errors
        raise typer.BadParameter(exc.render(state.lang)) from exc
    return chosen


def view(
    name: Annotated[ViewName, typer.Argument(metavar="NAME", help=t("cli.opt.view.name", HELP_LANG))],
    out: Annotated[str, typer.Option("--out", "-o", help=t("cli.opt.view.out", HELP_LANG))],
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.view.concept", HELP_LANG))] = None,
    actor: Annotated[str | None, typer.Option("--actor", help=t("cli.opt.view.actor", HELP_LANG))] = None,
    action_field: Annotated[
        str | None, typer.Option("--action-field", help=t("cli.opt.view.action_field", HELP_LANG))
    ] = None,
    working_group: Annotated[
        str | None, typer.Option("--working-group", help=t("cli.opt.view.working_group", HELP_LANG))
    ] = None,
    radius: Annotated[int, typer.Option("--radius", min=1, max=2, help=t("cli.opt.view.radius", HELP_LANG))] = 1,
    size_by: Annotated[SizeBy, typer.Option("--size-by", help=t("cli.opt.view.size_by", HELP_LANG))] = _BETWEENNESS,
    top: Annotated[int, typer.Option("--top", min=1, help=t("cli.opt.view.top", HELP_LANG))] = 20,
    color_by: Annotated[ColorBy, typer.Option("--color-by", help=t("views.opt.color_by", HELP_LANG))] = _BY_TYPE,
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.view.lang", HELP_LANG))] = None,
    fmt: Annotated[
        ViewFormat | None,
        typer.Option("--format", "-f", help=t("cli.opt.view.format", HELP_LANG)),
    ] = None,
    embed: Annotated[bool, typer.Option("--embed", help=t("cli.opt.view.embed", HELP_LANG))] = False,
) -> None:
    """Draw a network view: interactive HTML (offline, one file), SVG or PNG for print.

    Views: overview (everything), actors (the actor network), action-field, working-group,
    ego (one actor's ties), gaps (the actor network with suggested links and their reasons).
    The same data gives the same file.

    Example: ikg view gaps --concept beispielkreis-2024 --out luecken.html --embed
    """
    from ikg.graph.analysis.gaps import analyse
    from ikg.graph.analysis.network import load_network
    from ikg.graph.choices import VIEW_FORMATS
    from ikg.viz.html import embed_snippet
    from ikg.viz.views import ViewRequest, render_view

    chosen = fmt.value if fmt else (Path(out).suffix.lower().lstrip(".") if out != "-" else "html")
    if chosen not in VIEW_FORMATS:
        raise typer.BadParameter(msg("cli.view_format_unknown", out=out))
    store = open_store(reading=True)
    net = load_network(store, _one_concept(store, concept))
    request = ViewRequest(
        name.value,
        _lang(lang),
        actor=actor,
        action_field=action_field,
        working_group=working_group,
        radius=radius,
        size_by=size_by.value,
        top=top,
        color_by=color_by.value,
    )
    data = render_view(net, analyse(net, kinds=()), request, chosen)
    write_out(data, out)
    if embed:
        if chosen != "html" or out == "-":
            raise typer.BadParameter(msg("cli.embed_needs_html"))
        typer.echo(embed_snippet(out, title=name.value))


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help=t("cli.opt.report.out", HELP_LANG))],
    concept: Annotated[str | None, typer.Option("--concept", help=t("cli.opt.report.concept", HELP_LANG))] = None,
    lang: Annotated[LangOption | None, typer.Option("--lang", help=t("cli.opt.report.lang", HELP_LANG))] = None,
    top: Annotated[int, typer.Option("--top", min=1, help=t("cli.opt.report.top", HELP_LANG))] = 10,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help=t("cli.opt.report.format", HELP_LANG))] = _HTML,
) -> None:
    """Write the network report: one self-contained HTML file, plus SVG and PNG of each view for print.

    The report holds key figures, coverage per action field and cross-cutting task, the top
    networking gaps with their reasons, brokers, silos, isolated actors and the interactive
    views. It loads nothing from the internet and the same data gives the same files. Without
    --concept, each concept gets a folder of its own under --out.

    Example: ikg report --concept beispielkreis-2024 --lang de --out bericht/
    """
    from contextlib import nullcontext

    from ikg.viz.drawing_pool import DrawingPool

    # the drawing processes start first: they import matplotlib while this one computes the gaps
    pool = DrawingPool.start() if fmt.value == "html" else None
    with pool or nullcontext():
        from ikg.graph.analysis.gaps import analyse_store

        store = open_store(reading=True)
        analyses = analyse_store(store, concept, top=top)
        written = write_reports(
            analyses, out, _lang(lang), single=concept is not None, fmt=fmt.value, store=store, pool=pool
        )
    for path in written:
        typer.echo(str(path))


def write_reports(
    analyses: list[Any],
    out: Path,
    lang: Lang,
    single: bool,
    fmt: str = "html",
    store: StoreLike | None = None,
    pool: DrawingPool | None = None,
) -> list[Path]:
    """Write one report per analysis (into ``out`` itself when ``single``); return the files written.

    With ``store``, a concept whose previous version is in the store gets the section "what
    changed since" (:mod:`ikg.graph.analysis.compare`). With ``pool``, its processes draw the
    HTML reports' views (otherwise processes forked for each report do).
    """
    from ikg.graph.library.inventory import list_concepts
    from ikg.viz.report import write_document, write_report

    infos = {c.id: c for c in list_concepts(store)} if store is not None else {}
    written = []
    for analysis in analyses:
        folder = out if single else out / analysis.concept
        info = infos.get(analysis.concept)
        changes = None
        if store is not None and info is not None and info.revision_of in infos:
            from ikg.graph.analysis.compare import compare_store

            changes = compare_store(store, analysis.concept)
        if fmt == "html":
            files = write_report(analysis.network, analysis, folder, lang, changes, parallel=True, pool=pool)
            written.append(folder / files.index)
        else:
            issued = info.issued if info is not None else None
            written.append(folder / write_document(analysis, folder, lang, fmt, changes, issued))
    return written


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``, with their help from the catalogue (not the docstrings)."""
    app.command(cls=Command, help=t("cli.cmd.gaps", HELP_LANG))(gaps)
    app.command(cls=Command, help=t("cli.cmd.metrics", HELP_LANG))(metrics)
    app.command(cls=Command, help=t("cli.cmd.view", HELP_LANG))(view)
    app.command(cls=Command, help=t("cli.cmd.report", HELP_LANG))(report)
