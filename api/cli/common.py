"""What the commands share: the chosen store and language, options built from the core's tuples, output.

The help (``ikg --help``, ``ikg import --help``: each command's text and each option's) comes from
the catalogue like every other message, in :data:`HELP_LANG`: the language :func:`resolve_lang`
finds when this module is imported, from ``IKG_LANG`` or else the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``), else German. The command line's ``--lang`` cannot choose it: Typer
builds the help before any option is read, so ``ikg --lang en import --help`` speaks the language
of ``IKG_LANG`` and the locale; ``IKG_LANG=en ikg import --help`` speaks English. The help is
passed explicitly (``app.command(help=t("cli.cmd.<command>", HELP_LANG))``,
``typer.Option(..., help=t("cli.opt.<command>.<option>", HELP_LANG))``), so the commands'
docstrings stay developer documentation and are never shown. :class:`Command` and :class:`Group`
give ``--help`` itself a translated help line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ikg.graph import choices
from ikg.graph.i18n import Lang, resolve_lang, t

if TYPE_CHECKING:  # the store's modules load rdflib and pyoxigraph: not for ``ikg --help``
    from ikg.graph.store.base import StoreLike

__all__ = [
    "HELP_LANG",
    "Command",
    "ExportFormat",
    "GapFormat",
    "GapKind",
    "Group",
    "LangOption",
    "QueryFormat",
    "ReportFormat",
    "SizeBy",
    "ViewFormat",
    "ViewName",
    "echo",
    "err",
    "msg",
    "open_store",
    "progress",
    "query_timeout",
    "running_server",
    "state",
    "where",
]


class _State:
    """The global options of this run."""

    store_path: str | None = None
    lang: Lang = "de"
    seed: bool = True


state = _State()

#: the language of the help texts, fixed when the command line is built (see the module's docstring)
HELP_LANG: Lang = resolve_lang()


# ``ctx`` and the option are Any: newer Typer brings its own copy of click, older Typer uses click's
# classes, and the two are different types with the same methods.


def _translated(option: Any) -> Any:
    if option is not None:
        option.help = t("cli.opt.global.help", HELP_LANG)
        _quick(option)
    return option


class _NotQuickError(Exception):
    """A value :class:`_QuickValues` leaves to Typer's own coercion."""


class _QuickValues:
    """Typer's coercion of an option's value, without Pydantic for the plain values ikg's options take.

    Newer Typer checks every value, defaults included, with a Pydantic ``TypeAdapter`` built per
    option on each run: importing Pydantic and building the adapters is about a fifth of an
    ``ikg info``. Text, paths, flags, the choices (``StrEnum``) and lists of these, and numbers
    left at their default, come out here exactly as Typer makes them (``Path``, the enum member,
    a list); anything else (a number typed on the command line, a value outside the choices) goes
    to Typer's own coercion, so its checks and messages stay Typer's.
    """

    def __init__(self, param: Any) -> None:
        self.descriptor = param.type_descriptor
        info = self.descriptor.parameter_info
        self.plain_path = not (info.exists or info.resolve_path or info.writable) and info.file_okay and info.dir_okay
        self.slow: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """The value as the command receives it (Typer's ``RuntimeParam.coerce`` contract)."""
        multi = param.multiple or param.nargs == -1
        if value is None:
            return () if multi else None
        annotation = self.descriptor.annotation
        try:
            if not multi:
                return self._one(value, annotation)
            inner = getattr(annotation, "__args__", (None,))[0]
            if isinstance(value, str) or getattr(annotation, "__origin__", None) is not list:
                raise _NotQuickError
            return [self._one(item, inner) for item in value]
        except _NotQuickError:
            if self.slow is None:
                from typer._coercion import build_runtime_param

                self.slow = build_runtime_param(self.descriptor)
            return self.slow.coerce(value, param=param, ctx=ctx)

    def _one(self, value: Any, annotation: Any) -> Any:
        if annotation is str and isinstance(value, str):
            return value
        if annotation in (bool, int, float) and type(value) is annotation:  # a default (or a flag)
            return value
        if annotation is Path and self.plain_path and isinstance(value, (str, Path)):
            return Path(value)
        if isinstance(annotation, type) and issubclass(annotation, StrEnum):
            if isinstance(value, annotation):
                return value
            if isinstance(value, str) and value in annotation._value2member_map_:
                return annotation(value)
        raise _NotQuickError


def _quick_values(command: Any) -> None:
    """Give the command's options :class:`_QuickValues` (a Typer without runtime coercion: nothing)."""
    for param in command.params:
        _quick(param)


def _quick(param: Any) -> Any:
    if getattr(param, "_runtime_param", False) is None and hasattr(param, "type_descriptor"):
        param._runtime_param = _QuickValues(param)
    return param


class Command(TyperCommand):
    """A command whose ``--help`` option is described in :data:`HELP_LANG`, like its other options.

    Its options' values are checked by :class:`_QuickValues`.
    """

    def get_help_option(self, ctx: Any) -> Any:
        """Click's help option, with its help line from the catalogue."""
        return _translated(super().get_help_option(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Click's parsing, with :class:`_QuickValues` for the options."""
        _quick_values(self)
        return list(super().parse_args(ctx, args))


class Group(TyperGroup):
    """The ``ikg`` group: its ``--help`` option is described in :data:`HELP_LANG`.

    Its options' values are checked by :class:`_QuickValues`.
    """

    def get_help_option(self, ctx: Any) -> Any:
        """Click's help option, with its help line from the catalogue."""
        return _translated(super().get_help_option(ctx))

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Click's parsing, with :class:`_QuickValues` for the global options."""
        _quick_values(self)
        return list(super().parse_args(ctx, args))


# The choices are classes (so that type checkers know them) whose members are made from the
# core's tuples at import time, with the ``_ignore_`` idiom of the enum documentation; the member
# names are the values with ``-`` as ``_``.


class LangOption(StrEnum):
    """The languages of ``--lang``."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.LANGS:
        vars()[choice.replace("-", "_")] = choice


class GapKind(StrEnum):
    """Which findings: ``all`` or one of the core's kinds of gap."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in ("all", *choices.GAP_KINDS):
        vars()[choice.replace("-", "_")] = choice


class GapFormat(StrEnum):
    """Formats of findings and metrics."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.GAP_FORMATS:
        vars()[choice.replace("-", "_")] = choice


class QueryFormat(StrEnum):
    """Formats of query results."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.ROW_FORMATS:
        vars()[choice.replace("-", "_")] = choice


class ExportFormat(StrEnum):
    """RDF formats of ``ikg export``, and the actor network's."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in (*choices.EXPORT_FORMATS, *choices.NETWORK_FORMATS, *choices.SHEET_FORMATS):
        vars()[choice.replace("-", "_")] = choice


class ReportFormat(StrEnum):
    """Formats of the report."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.REPORT_FORMATS:
        vars()[choice.replace("-", "_")] = choice


class ViewName(StrEnum):
    """The named network views."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.VIEWS:
        vars()[choice.replace("-", "_")] = choice


class ViewFormat(StrEnum):
    """What a view draws: interactive page or print figure."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.VIEW_FORMATS:
        vars()[choice.replace("-", "_")] = choice


class SizeBy(StrEnum):
    """What an actor's size in a view shows."""

    _ignore_ = "choice"  # the loop variable is no member
    for choice in choices.METRICS:
        vars()[choice.replace("-", "_")] = choice


def msg(key: str, **params: Any) -> str:
    """A message of the catalogue in this run's language."""
    return t(key, state.lang, **params)


def echo(key: str, **params: Any) -> None:
    """Print a catalogue message on stdout."""
    typer.echo(msg(key, **params))


def err(text: str) -> None:
    """Print one line on stderr, marked as coming from ikg."""
    typer.echo(f"ikg: {text}", err=True)


def open_store(*, reading: bool = False) -> Any:
    """The store of this run (``--store``), made ready (seeded when new, unless ``--no-seed``).

    While ``ikg serve`` or ``ikg up`` holds an embedded store, the command goes through that
    server's endpoint instead of waiting for the store (:func:`running_server`), and says so
    on stderr.

    Parameters
    ----------
    reading : bool
        The command only reads: a ready on-disk store is opened read-only
        (:meth:`~ikg.graph.store.embedded.Store.open_for_reading`, a fifth of the start-up
        less); a store that needs writing first (new, a newer ontology) is opened as usual.
    """
    from ikg.graph.ingest.importer import open_store as _open

    server = running_server()
    if server is None:
        ready = _open_ready_for_reading() if reading else None
        return ready if ready is not None else _open(state.store_path, seed=state.seed)
    from ikg.graph.store.remote import RemoteStore  # the HTTP client: only when a server holds the store

    err(msg("cli.via_server", url=server.url))
    return _open_remote(RemoteStore(server.url, token=server.token))


def _open_ready_for_reading() -> Any:
    """The embedded store opened read-only, if it is ready as it is (else ``None``)."""
    from ikg.graph.errors import StoreError
    from ikg.graph.ingest.importer import ensure_ready
    from ikg.graph.store.base import is_url
    from ikg.graph.store.embedded import MEMORY, Store, default_store_path

    location = state.store_path or default_store_path()
    if location == MEMORY or is_url(location):
        return None
    store = Store.open_for_reading(location)
    if store is None:
        return None
    try:
        ensure_ready(store, seed=state.seed)  # reads, and writes only what is missing
    except StoreError as exc:
        store.close()
        if exc.key != "store.read_only_snapshot":  # the one error of a write to a read-only store
            raise
        return None
    return store


def _open_remote(store: Any) -> Any:
    from ikg.graph.ingest.importer import ensure_ready

    ensure_ready(store, seed=False)  # the server's store was seeded when it was opened
    return store


def running_server() -> Any:
    """The server that holds this run's embedded store, if one runs (else ``None``).

    Returns
    -------
    RunningServer or None
        See :func:`ikg.graph.store.running.find_server`; ``None`` too for ``:memory:`` and a
        URL given as ``--store``.
    """
    from ikg.graph.store.base import is_url
    from ikg.graph.store.embedded import MEMORY, default_store_path
    from ikg.graph.store.running import find_server

    location = state.store_path or default_store_path()
    if location == MEMORY or is_url(location):
        return None
    return find_server(location)


def where(store: StoreLike) -> str:
    """Where a store lives, for people: a folder, a URL or ``memory``.

    Parameters
    ----------
    store : StoreLike
        An embedded store (its folder, or none in memory) or a remote one (its URL).

    Returns
    -------
    str
    """
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
