"""The Typer app, the global options, and :func:`main`: every error one clear line, in the user's language.

Exit codes: 1 for bad input or a failed operation, 2 for a wrong command line, 130 after Ctrl-C.
A bad spreadsheet gets one line per problem, with file or sheet, row and column.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ikg.api.cli.common import HELP_LANG, Group, LangOption, err, msg, state
from ikg.graph.errors import IkgError, InputError
from ikg.graph.i18n import resolve_lang, t

__all__ = ["app", "main"]

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


def main(argv: list[str] | None = None) -> None:
    """Run the command line; errors become one clear line each and a non-zero exit code."""
    state.lang = resolve_lang()  # before the options are read, errors still speak the user's language
    try:
        app(args=argv, prog_name="ikg")
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
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        err(msg("cli.error", message=f"{exc.strerror or exc}{where}"))
        sys.exit(1)


if __name__ == "__main__":
    main()
