"""Import in the browser: the write token once per session, a check, a preview, then the import.

1. ``GET /workbench/import`` asks for the write token (``IKG_WRITE_TOKEN`` or the token of this
   run, :attr:`~ikg.api.http.settings.Settings.tokens`) once; ``POST /workbench/import/session``
   compares it in constant time and sets a session cookie (``HttpOnly``, ``SameSite=Strict``,
   path ``/workbench/import``, no expiry: it ends with the browser session). The cookie holds a
   random key the server remembers, never the token.
2. ``POST /workbench/import/check`` (only with that session; the body is refused past
   ``IKG_MAX_INPUT_MB`` while it arrives) reads a workbook, a zip of CSV files or one CSV file,
   and checks it exactly as ``ikg validate`` does: every problem in a table with file, row and
   column. A clean file gets the preview: ``+N −M`` triples and which actors, working groups,
   goals, fields and tasks would be added, removed or changed (:mod:`ikg.graph.library.changes`).
   Nothing is written; the checked graph waits on the server under a random key.
3. ``POST /workbench/import/apply`` writes it, all or nothing: the difference to what the store
   holds at that moment as one SPARQL update, run by the backend's writer (one transaction).

Cross-site POSTs never get here: :class:`~ikg.api.http.guard.RequestGuard` refuses a POST whose
``Origin`` is not the server's own, and the cookie is not sent from other sites anyway.
"""

from __future__ import annotations

import hmac
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import SettingsDep
from ikg.api.http.settings import Settings
from ikg.api.web.forms import BodyTooLargeError, read_form
from ikg.api.web.render import Page, html_page, make_page
from ikg.api.web.unpack import UnpackError, place
from ikg.api.web.writes import replace_concept
from ikg.graph.errors import IkgError
from ikg.graph.ingest.importer import check_spreadsheet
from ikg.graph.ingest.problems import Problem
from ikg.graph.library.changes import Preview, compare
from ikg.graph.namespaces import concept_graph

__all__ = ["COOKIE", "router"]

router = APIRouter(include_in_schema=False)

COOKIE = "ikg_import"
_PATH = "/workbench/import"
#: checked imports kept for the "import" click, and for how long
PENDING_MAX, PENDING_SECONDS = 8, 1800.0
_KINDS = ("actor", "working_group", "goal", "action_field", "task")


@dataclass
class _Pending:
    session: str
    concept: str
    quads: list[Any]
    created: float


class _State:
    """The sessions and the checked imports of one app (kept in ``app.state``)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: set[str] = set()
        self.pending: dict[str, _Pending] = {}

    def keep(self, item: _Pending) -> str:
        key = secrets.token_urlsafe(24)
        with self.lock:
            now = time.monotonic()
            self.pending = {k: p for k, p in self.pending.items() if now - p.created < PENDING_SECONDS}
            while len(self.pending) >= PENDING_MAX:
                self.pending.pop(next(iter(self.pending)))
            self.pending[key] = item
        return key

    def take(self, key: str, session: str) -> _Pending | None:
        with self.lock:
            item = self.pending.get(key)
            if item is None or item.session != session or time.monotonic() - item.created > PENDING_SECONDS:
                return None
            return self.pending.pop(key)


def _state(request: Request) -> _State:
    state = getattr(request.app.state, "web_import", None)
    if state is None:
        state = request.app.state.web_import = _State()
    return state


def _session(request: Request) -> str | None:
    """This browser's import session, if it gave the token."""
    key = request.cookies.get(COOKIE, "")
    state = _state(request)
    return key if key and any(hmac.compare_digest(key, s) for s in list(state.sessions)) else None


def _page(request: Request) -> Page:
    return make_page(request, section="import")


def _show(page: Page, step: str, status: int = 200, **context: Any) -> HTMLResponse:
    values: dict[str, Any] = {"error": "", "problems": [], "warnings": [], "preview": None, "pending": ""}
    values.update(context)
    return html_page("import.html", page, status, step=step, kinds=_KINDS, **values)


@router.get(_PATH, response_class=HTMLResponse)
def import_page(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Ask for the write token, or (with a session) for the file to import."""
    page = _page(request)
    if not settings.tokens:
        return _show(page, "read_only", 403)
    return _show(page, "upload" if _session(request) else "token")


@router.post(_PATH + "/session", response_class=HTMLResponse)
async def open_session(request: Request, settings: SettingsDep) -> Response:
    """Check the write token; with the right one, set the session cookie and go on to the upload."""
    page = _page(request)
    if not settings.tokens:
        return _show(page, "read_only", 403)
    try:
        form = await read_form(request, 4096)
    except BodyTooLargeError:
        return _show(page, "token", 413, error=page.t("web.import.wrong_token"))
    given = form.get("token").strip().encode()
    if not any([hmac.compare_digest(given, token.encode()) for token in settings.tokens]):
        return _show(page, "token", 403, error=page.t("web.import.wrong_token"))
    key = secrets.token_urlsafe(32)
    with _state(request).lock:
        _state(request).sessions.add(key)
    answer = RedirectResponse(page.href(_PATH), status_code=303)
    answer.set_cookie(COOKIE, key, path=_PATH, httponly=True, samesite="strict")
    return answer


def _problem_rows(problems: list[Problem], page: Page) -> list[dict[str, Any]]:
    return [
        {"source": p.source, "row": p.row, "column": p.header or p.column or "", "message": p.message(page.lang)}
        for p in problems
    ]


def _check(upload: Any, cap: int, store: Any) -> tuple[list[Problem], list[Problem], str, list[Any], Preview | None]:
    """Check an upload (blocking); return errors, warnings, concept id, quads and the preview."""
    with tempfile.TemporaryDirectory(prefix="ikg-upload-") as tmp:
        path = place(upload, Path(tmp), cap)
        mapped = check_spreadsheet(path)
    errors = [p for p in mapped.problems if p.severity == "error"]
    warnings = [p for p in mapped.problems if p.severity != "error"]
    if errors or mapped.concept_id is None or mapped.text is None:
        return errors, warnings, "", [], None
    quads = mapped.text.quads()
    mapped.text.close()
    old = store.graph_quads(str(concept_graph(mapped.concept_id)))
    return errors, warnings, mapped.concept_id, quads, compare(old, quads)


@router.post(_PATH + "/check", response_class=HTMLResponse)
async def check_upload(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Check the uploaded file: every problem with file, row and column, or the preview of the change."""
    page = _page(request)
    session = _session(request)
    if session is None:  # before the body is read
        return _show(page, "token", 401, error=page.t("web.import.no_session"))
    cap = settings.max_update_body
    try:
        form = await read_form(request, cap + 65536)
    except BodyTooLargeError:
        return _show(page, "upload", 413, error=page.t("web.import.too_large", mb=cap // 1_048_576))
    upload = form.files.get("file")
    if upload is None or not upload.data:
        return _show(page, "upload", 400, error=page.t("web.import.no_file"))
    try:
        errors, warnings, concept, quads, preview = await run_in_threadpool(_check, upload, cap, settings.backend.store)
    except UnpackError as exc:
        return _show(page, "upload", 400, error=page.t(exc.key, **exc.params))
    except IkgError as exc:
        return _show(page, "upload", 400, error=exc.render(page.lang))
    context: dict[str, Any] = {"filename": upload.filename, "warnings": _problem_rows(warnings, page)}
    if errors or preview is None:
        return _show(page, "problems", 422, problems=_problem_rows(errors, page), **context)
    pending = _state(request).keep(_Pending(session, concept, quads, time.monotonic()))
    return _show(page, "preview", preview=preview, concept=concept, pending=pending, **context)


def _apply(settings: Settings, item: _Pending) -> Any:
    return replace_concept(settings.backend, str(concept_graph(item.concept)), item.quads)


@router.post(_PATH + "/apply", response_class=HTMLResponse)
async def apply_import(request: Request, settings: SettingsDep) -> HTMLResponse:
    """Write the checked import: all or nothing, the difference to what the store holds now."""
    page = _page(request)
    session = _session(request)
    if session is None:
        return _show(page, "token", 401, error=page.t("web.import.no_session"))
    try:
        form = await read_form(request, 4096)
    except BodyTooLargeError:
        return _show(page, "upload", 413, error=page.t("web.import.expired"))
    item = _state(request).take(form.get("pending"), session)
    if item is None:
        return _show(page, "upload", 409, error=page.t("web.import.expired"))
    try:
        change = await run_in_threadpool(_apply, settings, item)
    except IkgError as exc:
        return _show(page, "upload", 502, error=page.t("web.import.failed", reason=exc.render(page.lang)))
    return _show(page, "done", concept=item.concept, added=change.added, removed=change.removed)
