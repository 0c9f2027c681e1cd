"""What the commands share: the chosen store and language, options built from the core's tuples, output."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import typer

from ikg.graph import choices
from ikg.graph.i18n import Lang, t

__all__ = [
    "ExportFormat",
    "GapFormat",
    "GapKind",
    "LangOption",
    "QueryFormat",
    "SizeBy",
    "ViewFormat",
    "ViewName",
    "echo",
    "err",
    "msg",
    "open_store",
    "progress",
    "query_timeout",
    "state",
    "where",
]


class _State:
    """The global options of this run."""

    store_path: str | None = None
    lang: Lang = "de"
    seed: bool = True


state = _State()


def _choice(name: str, values: tuple[str, ...]) -> type[StrEnum]:
    return StrEnum(name, {v.replace("-", "_"): v for v in values})  # type: ignore[return-value]


LangOption = _choice("LangOption", choices.LANGS)
GapKind = _choice("GapKind", ("all", *choices.GAP_KINDS))
GapFormat = _choice("GapFormat", choices.GAP_FORMATS)
QueryFormat = _choice("QueryFormat", choices.ROW_FORMATS)
ExportFormat = _choice("ExportFormat", (*choices.EXPORT_FORMATS, *choices.NETWORK_FORMATS))
ViewName = _choice("ViewName", choices.VIEWS)
ViewFormat = _choice("ViewFormat", choices.VIEW_FORMATS)
SizeBy = _choice("SizeBy", choices.METRICS)


def msg(key: str, **params: Any) -> str:
    """A message of the catalogue in this run's language."""
    return t(key, state.lang, **params)


def echo(key: str, **params: Any) -> None:
    """Print a catalogue message on stdout."""
    typer.echo(msg(key, **params))


def err(text: str) -> None:
    """Print one line on stderr, marked as coming from ikg."""
    typer.echo(f"ikg: {text}", err=True)


def open_store() -> Any:
    """The store of this run (``--store``), made ready (seeded when new, unless ``--no-seed``)."""
    from ikg.graph.ingest.importer import open_store as _open

    return _open(state.store_path, seed=state.seed)


def where(store: Any) -> str:
    """Where a store lives, for people: a folder, a URL or ``memory``."""
    return str(store.path or getattr(store, "url", None) or msg("cli.memory"))


def query_timeout() -> float:
    """The deadline of one query in seconds (``IKG_QUERY_TIMEOUT``, default 30)."""
    return float(os.environ.get("IKG_QUERY_TIMEOUT", "") or 30)


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr for work that takes longer than a moment (only on a terminal)."""
    if not enabled or not sys.stderr.isatty():
        yield lambda stage, fraction: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=None,
    ) as bar:
        task = bar.add_task(msg("cli.stage.read"), total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=msg(f"cli.stage.{stage}"), completed=fraction)

        yield update
