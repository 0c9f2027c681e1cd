"""The ``ikg`` command line.

Every command documents an example in its help. Errors are one clear line on stderr (a bad
spreadsheet: one line per problem, with file or sheet, row and column) and a non-zero exit code:
1 for bad input or a failed operation, 2 for a wrong command line.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ikg.graph.errors import IkgError, InputError
from ikg.graph.i18n import Lang, default_lang
from ikg.graph.ingest.problems import render

app = typer.Typer(
    name="ikg",
    help=(
        "ikg: the knowledge graph of an integration concept (Integrationskonzept).\n\n"
        "Imports spreadsheets (CSV folder or XLSX) and RDF into an embedded Oxigraph store, "
        "validates them with SHACL, and answers SPARQL. A new store starts with the "
        "Integrationskonzept Kreis Mettmann 2015.\n\n"
        "Example: ikg up"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class _State:
    store_path: str | None = None
    lang: Lang = "en"
    seed: bool = True


state = _State()


class ExportFormat(StrEnum):
    turtle = "turtle"
    trig = "trig"
    nquads = "nquads"
    jsonld = "jsonld"
    graphml = "graphml"
    gexf = "gexf"


class GapKind(StrEnum):
    all = "all"
    missing_link = "missing-link"
    coverage = "coverage"
    broker = "broker"
    silo = "silo"
    isolate = "isolate"


class GapFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    md = "md"


class LangOption(StrEnum):
    de = "de"
    en = "en"


@app.callback()
def _main(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="IKG_STORE",
            metavar="DIR",
            help="Store directory (default: ~/.local/share/ikg/store); ':memory:' for a throw-away store.",
        ),
    ] = None,
    lang: Annotated[
        LangOption | None,
        typer.Option("--lang", help="Language of messages and labels (default: IKG_LANG, else from LANG)."),
    ] = None,
    no_seed: Annotated[
        bool,
        typer.Option(
            "--no-seed",
            envvar="IKG_NO_SEED",
            help="Do not load the default concepts (Mettmann 2015, the fictional Beispielkreis) into a new store.",
        ),
    ] = False,
) -> None:
    state.store_path = store
    state.lang = lang.value if lang else default_lang()  # type: ignore[assignment]
    state.seed = not no_seed


def _open() -> Any:
    from ikg.graph.ingest.importer import open_store

    return open_store(state.store_path, seed=state.seed)


def _where(store: Any) -> str:
    return str(store.path or getattr(store, "url", None) or "memory")


def _err(message: str) -> None:
    typer.echo(f"ikg: {message}", err=True)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr for work that takes longer than a moment (only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stage, fraction: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=None,
    ) as bar:
        task = bar.add_task("import", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=stage, completed=fraction)

        yield update


# --- commands ----------------------------------------------------------------------------------


@app.command()
def up(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the reports.")] = Path("ikg-report"),
    serve_: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API, the endpoint and the views afterwards.")
    ] = True,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on (a free one if it is taken).")] = 8000,
    top: Annotated[int, typer.Option("--top", min=1, help="Findings per kind in the summary.")] = 3,
) -> None:
    """The main job: load the default store, print a gap summary, write the reports, serve.

    On first use the store gets the Integrationskonzept Kreis Mettmann 2015 and the fictional
    Beispielkreis. For each concept: what is in it, its coverage gaps and top networking gaps;
    then one report per concept under --out (open index.html in a browser, offline); then the
    SPARQL endpoint, the named queries, the gaps, the views and the reports on 127.0.0.1 until
    Ctrl-C (--no-serve stops after the reports).

    Example: ikg up --out bericht --port 8080
    """
    from ikg.graph.analysis.gaps import analyse_store
    from ikg.graph.library.inventory import list_concepts
    from ikg.graph.library.overview import uncovered

    store = _open()
    concepts = list_concepts(store)
    typer.echo(f"ikg store: {_where(store)}")
    for c in concepts:
        _echo_concept(c)
        for kind, labels in uncovered(store, c.id, state.lang).items():
            if labels:
                shown = ", ".join(labels[:4]) + (f" … (+{len(labels) - 4})" if len(labels) > 4 else "")
                typer.echo(f"  {_T[kind][state.lang]} ({len(labels)}): {shown}")
    if not concepts:
        typer.echo("  (no concept; import one with: ikg import FOLDER_OR_XLSX)")
        return
    analyses = analyse_store(store, top=top)
    typer.echo("")
    for analysis in analyses:
        _echo_gap_summary(analysis)
    reports = _write_reports(analyses, out, state.lang, single=False)
    typer.echo(_T["reports"][state.lang])
    for path in reports:
        typer.echo(f"  {path.resolve().as_uri()}")
    if serve_:
        store.close()  # the server opens the store itself
        _serve(host, port, float(os.environ.get("IKG_QUERY_TIMEOUT", "") or 30), report_dir=out, concepts=concepts)


def _echo_gap_summary(analysis: Any) -> None:
    lang = state.lang
    totals = analysis.totals
    counts = ", ".join(
        f"{_T[k][lang]} {totals.get(k, 0)}" for k in ("missing-link", "coverage", "broker", "silo", "isolate")
    )
    typer.echo(f"{analysis.concept}: {counts}")
    for kind in ("missing-link", "broker", "silo"):
        found = analysis.findings.get(kind, [])
        if found:
            typer.echo(f"  {_T[kind][lang]} 1: {found[0].reasons[lang][0]}")


_T: dict[str, dict[str, str]] = {
    "action_fields_without_goal": {"de": "Handlungsfelder ohne Ziel", "en": "action fields without a goal"},
    "action_fields_without_wg": {"de": "Handlungsfelder ohne AG", "en": "action fields without a working group"},
    "tasks_without_goal": {"de": "Querschnittsaufgaben ohne Ziel", "en": "cross-cutting tasks without a goal"},
    "goals_without_actor": {"de": "Ziele ohne verfolgenden Akteur", "en": "goals no actor pursues"},
    "missing-link": {"de": "fehlende Verbindungen", "en": "missing links"},
    "coverage": {"de": "Abdeckungslücken", "en": "coverage gaps"},
    "broker": {"de": "Broker", "en": "brokers"},
    "silo": {"de": "Silos", "en": "silos"},
    "isolate": {"de": "isolierte Akteure", "en": "isolated actors"},
    "reports": {"de": "Berichte (offline im Browser zu öffnen):", "en": "reports (open offline in a browser):"},
}


def _echo_concept(c: Any) -> None:
    title = c.title.get(state.lang) or c.title.get("de") or c.id
    rev = f", revises {c.revision_of}" if c.revision_of else ""
    typer.echo(f"{c.id}: {title} ({c.issued or 'undated'}{rev}; {c.triples} triples)")
    counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in sorted(c.counts.items()))
    typer.echo(f"  {counts}")


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="CSV folder, XLSX workbook, or RDF file (.ttl .nt .nq .trig .jsonld .rdf).")
    ],
    graph: Annotated[
        str | None, typer.Option("--graph", help="Named graph IRI for an RDF file (required for triple formats).")
    ] = None,
) -> None:
    """Import a concept from a spreadsheet, or an RDF file into a named graph; all or nothing.

    Every problem is reported at once, with file or sheet, row and column; then nothing is
    written. Re-importing the same data changes nothing.

    Example: ikg import data/beispiel/   |   ikg import konzept.xlsx   |   ikg import extra.ttl --graph https://example.org/g
    """
    from ikg.graph.ingest.importer import import_path

    store = _open()
    started = time.perf_counter()
    with _progress(True) as progress:
        result = import_path(store, path, graph, progress)
    store.flush()
    elapsed = time.perf_counter() - started
    for w in result.warnings:
        _err(render(w, state.lang))
    what = f"concept {result.concept_id}" if result.concept_id else ", ".join(result.graphs)
    typer.echo(
        f"imported {what}: {result.triples} triples "
        f"(+{result.change.added} -{result.change.removed}) in {elapsed:.2f} s"
    )


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="CSV folder or XLSX workbook.")],
) -> None:
    """Check a spreadsheet without writing anything: every problem, with row and column.

    Example: ikg validate konzept.xlsx
    """
    from ikg.graph.ingest.importer import check_spreadsheet

    with _progress(True) as progress:
        mapped = check_spreadsheet(path, progress)
    errors = [p for p in mapped.problems if p.severity == "error"]
    for p in mapped.problems:
        typer.echo(render(p, state.lang), err=True)
    if errors:
        raise InputError(f"{path.name}: {len(errors)} problem(s)")
    rows = sum(mapped.counts.values())
    typer.echo(f"{path.name}: valid, concept {mapped.concept_id}, {rows} rows, {len(mapped.triples)} triples")


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="RDF format, or graphml/gexf for the actor network with its metrics."),
    ] = ExportFormat.trig,
    concept: Annotated[str | None, typer.Option("--concept", help="Export one concept (default: all).")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Export concepts as Turtle, TriG, N-Quads or JSON-LD, or the actor network as GraphML or GEXF.

    GraphML and GEXF hold the actor network (a tie: a shared working group or a cooperation)
    with degree, betweenness, constraint, effective size and community as node attributes, so
    Gephi users can go on from there.

    Example: ikg export --format gexf --concept beispielkreis-2024 --out netz.gexf
    """
    store = _open()
    if fmt.value in ("graphml", "gexf"):
        from ikg.graph.analysis.gaps import analyse_store
        from ikg.graph.analysis.netexport import export_network

        data = export_network(analyse_store(store, concept, kinds=()), fmt.value, state.lang)
    else:
        from ikg.graph.library.export import export_concepts

        data = export_concepts(store, fmt.value, concept)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        _err(f"wrote {out} ({len(data)} bytes)")


def _kinds(values: list[GapKind] | None) -> tuple[str, ...]:
    from ikg.graph.analysis.gaps import KINDS

    chosen = [v.value for v in values or [GapKind.all]]
    return KINDS if "all" in chosen else tuple(k for k in KINDS if k in chosen)


@app.command()
def gaps(
    kind: Annotated[
        list[GapKind] | None,
        typer.Option("--kind", "-k", help="Which findings (repeatable; default all)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", min=0, help="At most N findings per kind (0: all).")] = 10,
    concept: Annotated[str | None, typer.Option("--concept", help="One concept (default: each concept).")] = None,
    fmt: Annotated[GapFormat, typer.Option("--format", "-f", help="Output format.")] = GapFormat.table,
    lang: Annotated[LangOption | None, typer.Option("--lang", help="Language of labels and reasons.")] = None,
    require: Annotated[
        list[str] | None,
        typer.Option(
            "--require",
            metavar="TYPE",
            help="Actor type every working group should include (repeatable; default: the concept's "
            "required_actor_types, else migrant_organisation).",
        ),
    ] = None,
) -> None:
    """Find networking gaps: missing links, coverage gaps, brokers, silos and isolated actors.

    Every finding comes with its reasons (sentences in German or English) and, in JSON, the
    evidence behind them: shared goals, action fields, towns, actor types, metrics.

    Example: ikg gaps --kind missing-link --top 5 --concept beispielkreis-2024 --lang de
    """
    from ikg.api.formats.findings import render_gaps
    from ikg.graph.analysis.gaps import analyse_store

    chosen = _kinds(kind)
    language = lang.value if lang else state.lang
    analyses = analyse_store(_open(), concept, chosen, top or None, require or None)
    typer.echo(render_gaps(analyses, chosen, language, fmt.value).rstrip("\n"))  # type: ignore[arg-type]


class ViewName(StrEnum):
    overview = "overview"
    actors = "actors"
    action_field = "action-field"
    working_group = "working-group"
    ego = "ego"
    gaps = "gaps"


class ViewFormat(StrEnum):
    html = "html"
    svg = "svg"
    png = "png"


class SizeBy(StrEnum):
    betweenness = "betweenness"
    degree = "degree"
    effective_size = "effective_size"
    constraint = "constraint"


def _one_concept(store: Any, concept: str | None) -> str:
    from ikg.graph.analysis.network import choose_concepts

    try:
        (chosen,) = choose_concepts(store, concept, one=True, hint="--concept")
    except InputError as exc:  # a wrong command line: exit code 2, like typer's own errors
        raise typer.BadParameter(str(exc)) from exc
    return chosen


@app.command()
def view(
    name: Annotated[ViewName, typer.Argument(metavar="NAME", help="Which view.")],
    out: Annotated[str, typer.Option("--out", "-o", help="File to write ('-' for stdout).")],
    concept: Annotated[
        str | None, typer.Option("--concept", help="The concept (needed if the store holds several).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Actor id, for the ego view.")] = None,
    action_field: Annotated[str | None, typer.Option("--action-field", help="Action field id.")] = None,
    working_group: Annotated[str | None, typer.Option("--working-group", help="Working group id.")] = None,
    radius: Annotated[int, typer.Option("--radius", min=1, max=2, help="Ego view: 1 or 2 steps.")] = 1,
    size_by: Annotated[SizeBy, typer.Option("--size-by", help="What an actor's size shows.")] = SizeBy.betweenness,
    top: Annotated[int, typer.Option("--top", min=1, help="Gaps view: how many missing links.")] = 20,
    lang: Annotated[LangOption | None, typer.Option("--lang", help="Language of labels and legend.")] = None,
    fmt: Annotated[
        ViewFormat | None, typer.Option("--format", "-f", help="html, svg or png (default: from --out's suffix).")
    ] = None,
    embed: Annotated[
        bool, typer.Option("--embed", help="Also print an <iframe> snippet for the written page.")
    ] = False,
) -> None:
    """Draw a network view: interactive HTML (offline, one file), SVG or PNG for print.

    Views: overview (everything), actors (the actor network), action-field, working-group,
    ego (one actor's ties), gaps (the actor network with suggested links and their reasons).
    The same data gives the same file.

    Example: ikg view gaps --concept beispielkreis-2024 --out luecken.html --embed
    """
    from ikg.graph.analysis.gaps import analyse
    from ikg.graph.analysis.network import load_network
    from ikg.viz.html import embed_snippet
    from ikg.viz.views import ViewRequest, render_view

    chosen = fmt.value if fmt else (Path(out).suffix.lower().lstrip(".") if out != "-" else "html")
    if chosen not in ("html", "svg", "png"):
        raise typer.BadParameter(f"cannot tell the format from {out!r}; give --format html|svg|png")
    store = _open()
    net = load_network(store, _one_concept(store, concept))
    request = ViewRequest(
        name.value,
        (lang.value if lang else state.lang),  # type: ignore[arg-type]
        actor=actor,
        action_field=action_field,
        working_group=working_group,
        radius=radius,
        size_by=size_by.value,
        top=top,
    )
    analysis = analyse(net, kinds=())
    data = render_view(net, analysis, request, chosen)
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).write_bytes(data)
        _err(f"wrote {out} ({len(data):,} bytes)")
    if embed:
        if chosen != "html" or out == "-":
            raise typer.BadParameter("--embed needs an HTML page written to a file")
        typer.echo(embed_snippet(out, title=name.value))


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the report into (created if missing).")],
    concept: Annotated[
        str | None, typer.Option("--concept", help="One concept (default: one report per concept).")
    ] = None,
    lang: Annotated[LangOption | None, typer.Option("--lang", help="Language of the report.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many findings of each kind to list.")] = 10,
) -> None:
    """Write the network report: one self-contained HTML file, plus SVG and PNG of each view for print.

    The report holds key figures, coverage per action field and cross-cutting task, the top
    networking gaps with their reasons, brokers, silos, isolated actors and the interactive
    views. It loads nothing from the internet and the same data gives the same files. Without
    --concept, each concept gets a folder of its own under --out.

    Example: ikg report --concept beispielkreis-2024 --lang de --out bericht/
    """
    from ikg.graph.analysis.gaps import analyse_store

    language = lang.value if lang else state.lang
    analyses = analyse_store(_open(), concept, top=top)
    for path in _write_reports(analyses, out, language, single=concept is not None):  # type: ignore[arg-type]
        typer.echo(str(path))


def _write_reports(analyses: list[Any], out: Path, lang: Lang, single: bool) -> list[Path]:
    from ikg.viz.report import write_report

    written = []
    for analysis in analyses:
        folder = out if single else out / analysis.concept
        files = write_report(analysis.network, analysis, folder, lang)
        written.append(folder / files.index)
    return written


@app.command()
def metrics(
    concept: Annotated[str | None, typer.Option("--concept", help="One concept (default: each concept).")] = None,
    fmt: Annotated[GapFormat, typer.Option("--format", "-f", help="Output format.")] = GapFormat.table,
    lang: Annotated[LangOption | None, typer.Option("--lang", help="Language of labels.")] = None,
) -> None:
    """Per actor: degree, betweenness, Burt's constraint, effective size, community, articulation point.

    Sorted by betweenness, highest first. Betweenness is exact up to 2,000 actors and estimated
    from 256 pivots (fixed seed) above; the JSON output says which.

    Example: ikg metrics --concept beispielkreis-2024 --format csv
    """
    from ikg.api.formats.findings import render_metrics
    from ikg.graph.analysis.gaps import analyse_store

    language = lang.value if lang else state.lang
    analyses = analyse_store(_open(), concept, kinds=())
    typer.echo(render_metrics(analyses, language, fmt.value))  # type: ignore[arg-type]


@app.command()
def info() -> None:
    """Show what is in the store: concepts and counts per kind.

    Example: ikg info
    """
    from ikg.graph.library.inventory import list_concepts

    store = _open()
    typer.echo(f"store: {_where(store)} ({len(store)} quads, {len(store.named_graphs())} graphs)")
    for c in list_concepts(store):
        _echo_concept(c)


@app.command()
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
        for c in list_concepts(_open())
    ]
    typer.echo(render_rows(["id", "issued", "title", "revision_of", "triples"], rows, "table"))


@app.command()
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
        typer.echo(f"{'':<28} params: {params or '-'}")


def _parse_params(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--param {item!r}: use key=value")
        out[key.strip()] = value
    return out


@app.command()
def query(
    name: Annotated[str | None, typer.Argument(help="Name of a query from the library (see: ikg queries).")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Parameter of a named query, as key=value (repeatable).")
    ] = None,
    expression: Annotated[str | None, typer.Option("-e", "--expression", help="SPARQL query text.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="File holding a SPARQL query (.rq).")] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
) -> None:
    """Run a named query, or your own SELECT or ASK query (-e TEXT or --file F.rq).

    Parameters are checked against their declared type and bound safely, never pasted into the
    query text. SERVICE, LOAD and FROM of anything but a store graph are refused.

    Example: ikg query wg-members --param wg_id=ag-sprache --format md
    """
    from ikg.api.formats.rows import render_rows
    from ikg.graph.library.named import run_named
    from ikg.graph.store.sparql import run_user_select_or_ask

    given = sum(x is not None for x in (name, expression, file))
    if given != 1:
        raise typer.BadParameter("give exactly one of: a query NAME, -e TEXT, or --file F.rq")
    store = _open()
    if name is not None:
        names, rows = run_named(store, name, _parse_params(param or []))
    else:
        if param:
            raise typer.BadParameter("--param applies to named queries only")
        text = expression if expression is not None else file.read_text(encoding="utf-8")  # type: ignore[union-attr]
        names, rows = run_user_select_or_ask(store, text, deadline=float(os.environ.get("IKG_QUERY_TIMEOUT", "") or 30))
    typer.echo(render_rows(names, rows, fmt.value))


@app.command()
def drop(
    concept: Annotated[str, typer.Option("--concept", help="Id of the concept to remove.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Remove a concept (its whole named graph) from the store.

    Example: ikg drop --concept beispielkreis --yes
    """
    from ikg.graph.library.inventory import require_concept

    store = _open()
    info = require_concept(store, concept)
    if not yes:
        if not sys.stdin.isatty():
            raise InputError("refusing to drop without confirmation: add --yes")
        typer.confirm(f"Remove concept {concept} ({info.triples} triples)?", abort=True)
    n = store.drop_graph(info.graph)
    store.flush()
    typer.echo(f"dropped concept {concept} ({n} triples)")


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on (keep 127.0.0.1 unless a proxy is in front).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    query_timeout: Annotated[
        float, typer.Option("--query-timeout", envvar="IKG_QUERY_TIMEOUT", help="Per-query deadline in seconds.")
    ] = 30.0,
) -> None:
    """Serve the SPARQL endpoint (/sparql), the named queries (/queries) and the API docs (/docs).

    Each query runs in a worker process (a read-only Oxigraph server on a snapshot of the store,
    IKG_WORKERS of them, default 2) that is killed at the deadline. Read-only unless
    IKG_WRITE_TOKEN is set. With --store URL, queries go to that SPARQL server.

    Example: ikg serve --port 8000 --query-timeout 20
    """
    _serve(host, port, query_timeout)


def _free(host: str, port: int) -> int:
    """``port`` if it can be bound on ``host``, else a free port the system picks."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind((host, port))
            return port
        except OSError:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])


def _serve(
    host: str, port: int, query_timeout: float, report_dir: Path | None = None, concepts: list[Any] | None = None
) -> None:
    import tempfile

    import uvicorn

    from ikg.api.http.app import create_app
    from ikg.api.http.backends import PooledBackend, RemoteBackend
    from ikg.api.http.settings import Settings
    from ikg.graph.ingest.importer import open_store
    from ikg.graph.store.embedded import MEMORY, default_store_path
    from ikg.graph.store.remote import RemoteStore, is_url

    location = state.store_path or default_store_path()
    scratch = None
    if is_url(location):
        backend: Any = RemoteBackend(RemoteStore(location))
    else:
        if location == MEMORY:  # workers need a directory to snapshot: a throw-away one
            scratch = tempfile.TemporaryDirectory(prefix="ikg-store-")
            location = scratch.name
        from ikg.graph.store.engine.oneshot import allow_unconfined

        workers = int(os.environ.get("IKG_WORKERS", "2") or 2)
        backend = PooledBackend(
            open_store(location, seed=state.seed),
            size=max(1, workers),
            update_timeout=float(os.environ.get("IKG_UPDATE_TIMEOUT", "") or 120),
            allow_unconfined=allow_unconfined(),
        )
    try:
        settings = Settings.from_env(backend, query_timeout=query_timeout)
        if host not in ("0.0.0.0", "::"):  # noqa: S104 - compared, not bound
            settings.allowed_hosts = (*settings.allowed_hosts, host)
        chosen = _free(host, port)
        if chosen != port:
            _err(f"port {port} is in use; serving on {chosen} instead")
        app = create_app(settings)
        base = f"http://{host}:{chosen}"
        mode = "read-only" if not settings.write_token else "updates with token"
        typer.echo(f"ikg serving {state.store_path or location} (Ctrl-C to stop)")
        typer.echo(f"  SPARQL endpoint  {base}/sparql   ({mode}; deadline {query_timeout:g} s)")
        typer.echo(f"  query engine     {backend.sandbox}")
        if backend.refusal:
            _err(backend.refusal)
        typer.echo(f"  named queries    {base}/queries")
        typer.echo(f"  gaps, metrics    {base}/gaps   {base}/metrics")
        for c in concepts or []:
            typer.echo(f"  views of {c.id:<16} {base}/views/gaps.html?concept={c.id}")
        if report_dir is not None:
            from starlette.staticfiles import StaticFiles

            app.mount("/report", StaticFiles(directory=str(report_dir), html=True), name="report")
            for c in concepts or []:
                typer.echo(f"  report           {base}/report/{c.id}/")
        typer.echo(f"  API docs         {base}/docs", nl=True)
        sys.stdout.flush()
        # uvicorn shuts down on SIGTERM and then raises the signal again; with this handler that
        # ends in SystemExit, so the finally below still stops the query workers
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        uvicorn.run(app, host=host, port=chosen, log_level="warning")
    finally:
        backend.close()
        if scratch is not None:
            scratch.cleanup()


def main(argv: list[str] | None = None) -> None:
    """Run the command line; errors become one clear line each and a non-zero exit code."""
    try:
        app(args=argv, prog_name="ikg")
    except InputError as exc:
        for problem in exc.problems:
            _err(render(problem, state.lang))
        _err(f"error: {exc}")
        sys.exit(1)
    except IkgError as exc:
        _err(f"error: {exc}")
        sys.exit(1)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except OSError as exc:
        _err(f"error: {exc.strerror or exc}{': ' + str(exc.filename) if exc.filename else ''}")
        sys.exit(1)


if __name__ == "__main__":
    main()
