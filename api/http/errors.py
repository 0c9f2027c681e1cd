"""One table from ikg's errors to HTTP answers, in the language of the request.

Routes raise :class:`~ikg.graph.errors.IkgError` subclasses and never build error responses
themselves; :func:`install` registers one handler per row of :data:`STATUS`. The body is plain
text: the message in the request's language (see :func:`~ikg.api.http.deps.request_lang`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from ikg.api.http.backends import BusyError
from ikg.api.http.deps import request_lang
from ikg.graph.errors import IkgError, InputError, NotFoundError, QueryError, StoreError
from ikg.graph.store.engine.process import DeadlineError, EngineUnavailableError

__all__ = ["STATUS", "install"]

#: error class -> HTTP status (the most specific class that matches wins)
STATUS: dict[type[IkgError], int] = {
    NotFoundError: 404,
    InputError: 400,
    DeadlineError: 503,
    QueryError: 400,
    BusyError: 503,
    EngineUnavailableError: 503,
    StoreError: 503,
    IkgError: 500,
}
_HEADERS: dict[type[IkgError], dict[str, str]] = {BusyError: {"Retry-After": "5"}}


def _status(exc: IkgError) -> tuple[int, dict[str, str]]:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls], _HEADERS.get(cls, {})
    return 500, {}


async def _handle(request: Request, exc: Exception) -> PlainTextResponse:
    assert isinstance(exc, IkgError)
    status, headers = _status(exc)
    return PlainTextResponse(exc.render(request_lang(request)) + "\n", status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handler for every error class of :data:`STATUS`."""
    for cls in STATUS:
        app.add_exception_handler(cls, _handle)
