"""The web workbench for coordinators: server-rendered pages in German and English.

Start page (:func:`~ikg.api.web.home.start_page`, served at ``/`` by the app), a page per concept,
actor, working group, goal, action field and cross-cutting task, the gaps of a concept with
filters, and search (:mod:`ikg.api.web.home`, :mod:`ikg.api.web.things`). Pages are rendered from
Jinja templates (:mod:`ikg.api.web.render`) and load nothing but the server's own files; only
the SPARQL editor runs a script (CodeMirror, vendored), and without it the editor is a text field.
:data:`router` holds every page; :data:`STATIC_DIR` is mounted at :data:`STATIC_URL`.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from ikg.api.web import changes, home, querypages, reports, things, upload
from ikg.api.web.home import start_page
from ikg.api.web.render import STATIC_DIR, STATIC_URL

__all__ = ["STATIC_DIR", "STATIC_URL", "router", "start_page"]

router = APIRouter(include_in_schema=False)
router.include_router(home.router)
router.include_router(things.router)
router.include_router(querypages.router)
router.include_router(upload.router)
router.include_router(reports.router)
router.include_router(changes.router)


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon (the browser asks for one on its own; a 404 would show as an error in its console)."""
    return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})
