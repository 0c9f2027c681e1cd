"""FastAPI dependencies: the settings, the backend, the store for reads, and the language of a request.

Routes declare what they need (``store: StoreDep``, ``lang: LangDep``) instead of reaching into
``request.app.state``; tests can override any of them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Query, Request

from ikg.api.http.backends import Backend
from ikg.api.http.settings import Settings
from ikg.graph.choices import LANGS
from ikg.graph.i18n import Lang, resolve_lang
from ikg.graph.store.base import StoreLike

__all__ = ["BackendDep", "LangChoice", "LangDep", "SettingsDep", "StoreDep", "request_lang"]


# Choices are enum classes whose members are made from the core's tuples (the ``_ignore_`` idiom
# of the enum documentation), so that type checkers know them. No docstrings: FastAPI would put
# them into the OpenAPI schema.


#: the ``lang`` query parameter's values (the core's languages)
class LangChoice(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in LANGS:
        vars()[choice] = choice


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_backend(settings: SettingsDep) -> Backend:
    """Where SPARQL runs (the pool of engine processes, or a remote server)."""
    return settings.backend


BackendDep = Annotated[Backend, Depends(get_backend)]


def get_store(backend: BackendDep) -> StoreLike:
    """The store for the API's own reads (gaps, views): the latest snapshot, or the remote store."""
    return backend.store


StoreDep = Annotated[StoreLike, Depends(get_store)]


def request_lang(request: Request) -> Lang:
    """The language of a request: ``?lang=``, else ``IKG_LANG``, else ``Accept-Language``, else German."""
    return resolve_lang(request.query_params.get("lang"), request.headers.get("accept-language", ""))


def get_lang(
    request: Request,
    lang: Annotated[
        LangChoice | None,
        Query(description="de or en (default: IKG_LANG, else the browser's Accept-Language, else de)."),
    ] = None,
) -> Lang:
    """The ``lang`` query parameter, resolved by :func:`request_lang`."""
    return request_lang(request)


LangDep = Annotated[Lang, Depends(get_lang)]
