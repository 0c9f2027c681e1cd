"""Serving: ``up`` (the main job: summary, gap summary, reports, server) and ``serve``."""

from __future__ import annotations

import os
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ikg.api.cli.common import (
    HELP_LANG,
    Command,
    echo,
    err,
    msg,
    open_store,
    query_timeout,
    running_server,
    state,
    where,
)
from ikg.api.cli.explore import echo_concept
from ikg.api.cli.network import write_reports
from ikg.graph.errors import StoreError
from ikg.graph.i18n import format_number, t

if TYPE_CHECKING:
    from ikg.api.http.backends import Backend

__all__ = ["register"]

#: how many items of a list the summary names before it counts the rest
_SHOWN = 4


def up(
    out: Annotated[Path, typer.Option("--out", "-o", help=t("cli.opt.up.out", HELP_LANG))] = Path("ikg-report"),
    serve_: Annotated[bool, typer.Option("--serve/--no-serve", help=t("cli.opt.up.serve", HELP_LANG))] = True,
    host: Annotated[str, typer.Option(help=t("cli.opt.up.host", HELP_LANG))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=t("cli.opt.up.port", HELP_LANG))] = 8000,
    top: Annotated[int, typer.Option("--top", min=1, help=t("cli.opt.up.top", HELP_LANG))] = 3,
) -> None:
    """The main job: load the default store, print a gap summary, write the reports, serve.

    On first use the store gets the Integrationskonzept Kreis Mettmann 2015 and the fictional
    Beispielkreis. For each concept: what is in it, its coverage gaps and top networking gaps;
    then one report per concept under --out (open index.html in a browser, offline); then the
    SPARQL endpoint, the named queries, the gaps, the views and the reports on 127.0.0.1 until
    Ctrl-C (--no-serve stops after the reports).

    Example: ikg up --out bericht --port 8080
    """
    from ikg.viz.drawing_pool import DrawingPool

    # the reports' drawing process starts first: it imports matplotlib while the store opens and
    # the gaps are computed, and draws the views of every concept (viz/drawing_pool.py)
    pool = DrawingPool.start()
    with pool or nullcontext():
        from ikg.graph.analysis.gaps import analyse_store
        from ikg.graph.library.inventory import list_concepts
        from ikg.graph.library.overview import UNCOVERED_KINDS

        store = open_store()
        concepts = list_concepts(store)
        echo("cli.store_at", where=where(store))
        if not concepts:
            echo("cli.no_concept")
            return
        analyses = analyse_store(store, top=top)
        figures = {a.concept: a.figures for a in analyses}  # the one set of figures (graph/analysis/figures.py)
        for c in concepts:
            echo_concept(c)
            for kind in UNCOVERED_KINDS:
                labels = [item.label(state.lang) for item in figures[c.id].uncovered[kind]]
                if labels:
                    shown = ", ".join(labels[:_SHOWN])
                    if len(labels) > _SHOWN:
                        shown += " " + msg("cli.and_more", n=len(labels) - _SHOWN)
                    typer.echo(f"  {msg('cli.uncovered.' + kind)} ({len(labels)}): {shown}")
        typer.echo("")
        for analysis in analyses:
            _echo_gap_summary(analysis)
        reports = write_reports(analyses, out, state.lang, single=False, pool=pool)
        echo("cli.reports")
        for path in reports:
            typer.echo(f"  {path.resolve().as_uri()}")
    if serve_:
        store.close()  # the server's writer process takes the store over
        running = running_server()
        if running is not None:  # this run went through it: it serves already
            echo("cli.already_serving", url=running.url)
            return
        _serve(host, port, query_timeout(), report_dir=out, concepts=concepts)


def _echo_gap_summary(analysis: Any) -> None:
    from ikg.graph.choices import GAP_KINDS

    totals = analysis.totals
    counts = ", ".join(f"{msg('cli.gapkind.' + k)} {format_number(totals.get(k, 0), state.lang)}" for k in GAP_KINDS)
    typer.echo(f"{analysis.concept}: {counts}")
    for kind in ("missing-link", "broker", "silo"):
        found = analysis.findings.get(kind, [])
        if found:
            typer.echo(f"  {msg('cli.gapkind.' + kind)} 1: {found[0].reasons[state.lang][0]}")


def serve(
    host: Annotated[str, typer.Option(help=t("cli.opt.serve.host", HELP_LANG))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=t("cli.opt.serve.port", HELP_LANG))] = 8000,
    timeout: Annotated[
        float,
        typer.Option("--query-timeout", envvar="IKG_QUERY_TIMEOUT", help=t("cli.opt.serve.query_timeout", HELP_LANG)),
    ] = 30.0,
) -> None:
    """Serve the SPARQL endpoint (/sparql), the named queries (/queries) and the API docs (/docs).

    Every SPARQL text runs in a confined engine process (it cannot reach the network) that is
    killed at the deadline; IKG_WORKERS of them (default 2) serve queries, one writer applies
    updates. Read-only unless IKG_WRITE_TOKEN is set. With --store URL, queries go to that
    SPARQL server.

    Example: ikg serve --port 8000 --query-timeout 20
    """
    _serve(host, port, timeout)


def _free(host: str, port: int) -> int:
    """``port`` if it can be bound on ``host``, else a free port the system picks."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
            return port
        except OSError:
            probe.bind((host, 0))
            return int(probe.getsockname()[1])


def _backend(location: str) -> Backend:
    from ikg.api.http.backends import PooledBackend
    from ikg.api.http.remote_backend import RemoteBackend
    from ikg.graph.ingest.importer import open_store as open_location
    from ikg.graph.store.embedded import Store
    from ikg.graph.store.engine.oneshot import allow_unconfined
    from ikg.graph.store.remote import RemoteStore, is_url

    if is_url(location):
        return RemoteBackend(RemoteStore(location))
    store = open_location(location, seed=state.seed)
    if not isinstance(store, Store):  # a folder was named (a URL is handled above)
        raise TypeError(f"expected an embedded store at {location}")
    return PooledBackend(
        store,
        size=max(1, int(os.environ.get("IKG_WORKERS", "") or 2)),
        update_timeout=float(os.environ.get("IKG_UPDATE_TIMEOUT", "") or 120),
        allow_unconfined=allow_unconfined(),
    )


def _serve(
    host: str, port: int, timeout: float, report_dir: Path | None = None, concepts: list[Any] | None = None
) -> None:
    import uvicorn

    from ikg.api.http.app import create_app
    from ikg.api.http.settings import Settings
    from ikg.graph.store.embedded import MEMORY, default_store_path
    from ikg.graph.store.remote import is_url

    location = state.store_path or default_store_path()
    running = running_server()
    if running is not None:
        raise StoreError(key="cli.served_elsewhere", path=location, url=running.url)
    scratch = None
    if location == MEMORY:  # the engine processes need a directory to snapshot: a throw-away one
        scratch = tempfile.TemporaryDirectory(prefix="ikg-store-")
        location = scratch.name
    backend = _backend(location)
    try:
        settings = Settings.from_env(backend, query_timeout=timeout)
        if host not in ("0.0.0.0", "::"):  # noqa: S104 - compared, not bound
            settings.allowed_hosts = (*settings.allowed_hosts, host)
        chosen = _free(host, port)
        if chosen != port:
            err(msg("cli.port_taken", port=port, chosen=chosen))
        app = create_app(settings)
        base = f"http://{host}:{chosen}"
        # announced before the URLs are printed, so that a command started on seeing them finds it
        announced = _announced(None if scratch or is_url(location) else location, host, chosen)
        with announced as local_token:
            settings.local_token = local_token
            _tell(settings, backend, base, timeout, location, report_dir, concepts, app)
            from ikg.api.web.insight import warm

            warm(backend.store)  # the analyses the first page needs, computed while the user opens it
            # uvicorn shuts down on SIGTERM and then raises the signal again; with this handler that
            # ends in SystemExit, so the finally below still stops the engine processes
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
            uvicorn.run(app, host=host, port=chosen, log_level="warning")
    finally:
        backend.close()
        if scratch is not None:
            scratch.cleanup()


def _tell(
    settings: Any,
    backend: Any,
    base: str,
    timeout: float,
    location: str,
    report_dir: Path | None,
    concepts: list[Any] | None,
    app: Any,
) -> None:
    """Print where everything is served (the workbench first), and mount the reports of ``up``."""
    mode = msg("cli.mode.read_only") if not settings.write_token else msg("cli.mode.token")
    echo("cli.serving", where=state.store_path or location)
    echo("cli.url.workbench", url=f"{base}/")
    echo("cli.url.sparql", url=f"{base}/sparql", mode=mode, seconds=format_number(timeout, state.lang))
    confined = getattr(backend, "confined", None)
    echo({None: "cli.engine.remote", True: "cli.engine.confined", False: "cli.engine.unconfined"}[confined])
    if backend.refusal:
        from ikg.graph.store.engine.process import refused_unconfined

        err(refused_unconfined(backend.refusal).render(state.lang))
    echo("cli.url.queries", url=f"{base}/queries")
    echo("cli.url.gaps", gaps=f"{base}/gaps", metrics=f"{base}/metrics")
    for c in concepts or []:
        echo("cli.url.views", id=c.id, url=f"{base}/views/gaps.html?concept={c.id}")
    if report_dir is not None:
        from starlette.staticfiles import StaticFiles

        app.mount("/report", StaticFiles(directory=str(report_dir), html=True), name="report")
        for c in concepts or []:
            echo("cli.url.report", url=f"{base}/report/{c.id}/")
    echo("cli.url.docs", url=f"{base}/docs")
    sys.stdout.flush()


@contextmanager
def _announced(location: str | None, host: str, port: int) -> Iterator[str | None]:
    """Announce the server beside the store folder ``location`` (none: nothing to announce).

    Other ``ikg`` commands then go through the server (:func:`ikg.api.cli.common.running_server`);
    yields the write token made for them.
    """
    if location is None:
        yield None
        return
    from ikg.graph.store.running import announce

    local = "127.0.0.1" if host in ("0.0.0.0", "::", "localhost") else host  # noqa: S104 - compared, not bound
    name = f"[{local}]" if ":" in local else local
    with announce(location, f"http://{name}:{port}/sparql") as server:
        yield server.token


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``, with their help from the catalogue (not the docstrings)."""
    app.command(cls=Command, help=t("cli.cmd.up", HELP_LANG))(up)
    app.command(cls=Command, help=t("cli.cmd.serve", HELP_LANG))(serve)
