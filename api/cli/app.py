"""The Typer app, the global options, and :func:`main`: every error one clear line, in the user's language.

Exit codes: 1 for bad input or a failed operation, 2 for a wrong command line, 130 after Ctrl-C.
A bad spreadsheet gets one line per problem, with file or sheet, row and column.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ikg.api.cli.common import HELP_LANG, Group, LangOption, err, msg, state
from ikg.graph.errors import IkgError, InputError
from ikg.graph.i18n import resolve_lang, t

__all__ = ["app", "command_named", "main"]

app = typer.Typer(
    name="ikg",
    cls=Group,
    help=t("cli.help", HELP_LANG),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _options(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="IKG_STORE",
            metavar="DIR",
            help=t("cli.opt.global.store", HELP_LANG),
        ),
    ] = None,
    lang: Annotated[
        LangOption | None,
        typer.Option("--lang", help=t("cli.opt.global.lang", HELP_LANG)),
    ] = None,
    no_seed: Annotated[
        bool,
        typer.Option(
            "--no-seed",
            envvar="IKG_NO_SEED",
            help=t("cli.opt.global.no_seed", HELP_LANG),
        ),
    ] = False,
) -> None:
    state.store_path = store
    state.lang = resolve_lang(lang.value if lang else None)
    state.seed = not no_seed


def _register() -> None:
    from ikg.api.cli import data, explore, network, serving

    for module in (serving, data, explore, network):
        module.register(app)


_register()

#: the global options that take a value (``--store DIR``); the others are flags
_VALUE_OPTIONS = ("--store", "--lang")


def command_named(args: list[str]) -> str | None:
    """The command a command line runs, if it plainly names one of ikg's (else ``None``).

    Examples
    --------
    >>> command_named(["--store", "/tmp/s", "--lang=en", "query", "wg-members"])
    'query'
    >>> command_named(["--help"]), command_named(["--verbose", "info"]), command_named(["infp"])
    (None, None, None)
    """
    names = {_name_of(c) for c in app.registered_commands}
    rest = iter(args)
    for arg in rest:
        if arg in _VALUE_OPTIONS:
            next(rest, None)
        elif arg.startswith(tuple(o + "=" for o in _VALUE_OPTIONS)) or arg == "--no-seed":
            continue
        else:
            return arg if arg in names else None
    return None


def _name_of(command: Any) -> str:
    """The name Typer gives a registered command (its own, else the function's with ``-`` for ``_``)."""
    return str(command.name or command.callback.__name__.lower().replace("_", "-"))


def _run(args: list[str]) -> None:
    """Run the Typer app; building only the command that runs, when the command line names one.

    Typer turns every registered command into a click command (reading each function's
    signature and type hints) before it parses anything: a tenth of the start-up for the one
    command that then runs. ``ikg --help``, a wrong command name, or anything unusual gets all.
    """
    chosen = command_named(args)
    registered = app.registered_commands
    if chosen is not None:
        app.registered_commands = [c for c in registered if _name_of(c) == chosen]
    try:
        app(args=args, prog_name="ikg")
    finally:
        app.registered_commands = registered


def main(argv: list[str] | None = None) -> None:
    """Run the command line; errors become one clear line each and a non-zero exit code."""
    state.lang = resolve_lang()  # before the options are read, errors still speak the user's language
    try:
        _run(sys.argv[1:] if argv is None else list(argv))
    except InputError as exc:
        from ikg.graph.ingest.problems import render

        for problem in exc.problems:
            err(render(problem, state.lang))
        err(msg("cli.error", message=exc.render(state.lang)))
        sys.exit(1)
    except IkgError as exc:
        err(msg("cli.error", message=exc.render(state.lang)))
        sys.exit(1)
    except KeyboardInterrupt:
        err(msg("cli.interrupted"))
        sys.exit(130)
    except SystemExit as exc:
        if exc.code == 130:  # Typer turns Ctrl-C inside a command into this exit code, without a word
            err(msg("cli.interrupted"))
        raise
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        err(msg("cli.error", message=f"{exc.strerror or exc}{where}"))
        sys.exit(1)


if __name__ == "__main__":
    main()
