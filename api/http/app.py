"""The FastAPI application: a thin wrapper that mounts the routers on shared settings.

Build it with :func:`create_app`; ``ikg serve`` runs it with uvicorn in front of an Oxigraph
server. OpenAPI docs are at ``/docs`` (Swagger UI served from ``api/static/swagger-ui``, nothing
from a CDN; there is no ReDoc page).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ikg.api import web
from ikg.api.http import errors, gaps, queries, sheets, sparql, views
from ikg.api.http.deps import StoreDep
from ikg.api.http.guard import RequestGuard
from ikg.api.http.negotiation import choose
from ikg.api.http.settings import Settings
from ikg.graph.choices import VIEWS
from ikg.graph.library.inventory import list_concepts
from ikg.graph.store.base import StoreLike

__all__ = ["create_app"]


def _allowed_methods(routes: list[Any], request: Request) -> set[str]:
    """The methods of every route whose path matches the request (included routers searched too)."""
    allowed: set[str] = set()
    for route in routes:
        inner = getattr(route, "original_router", None)  # FastAPI keeps included routers whole
        if inner is not None:
            allowed |= _allowed_methods(inner.routes, request)
        elif getattr(route, "methods", None):
            match, _ = route.matches(request.scope)
            if match != Match.NONE:
                allowed |= set(route.methods)
    return allowed


#: Swagger UI from the npm package swagger-ui-dist, vendored (version and origin in its README.md).
_SWAGGER_DIR = Path(__file__).parent / "static" / "swagger-ui"
_SWAGGER_URL = "/static/swagger-ui"


def _add_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` from the vendored files, under a strict Content-Security-Policy.

    The page's one inline script (FastAPI's ``SwaggerUIBundle({...})`` call) is allowed by its
    sha256, computed here from the generated page; scripts, styles, images and fetches may come
    from this server only, so the browser refuses anything from outside even if a file asked.

    Parameters
    ----------
    app : FastAPI
        The app, created with ``docs_url=None, redoc_url=None``; gets the mount and the route.
    """
    app.mount(_SWAGGER_URL, StaticFiles(directory=_SWAGGER_DIR), name="swagger-ui")
    page = get_swagger_ui_html(
        openapi_url=str(app.openapi_url),
        title=f"{app.title} - Swagger UI",
        swagger_js_url=f"{_SWAGGER_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{_SWAGGER_URL}/swagger-ui.css",
        swagger_favicon_url=f"{_SWAGGER_URL}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge image from validator.swagger.io
    )
    body = bytes(page.body)
    inline = re.findall(rb"<script>(.*?)</script>", body, flags=re.DOTALL)
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'" for s in inline)
    csp = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})


def create_app(settings: Settings) -> FastAPI:
    """Return the ikg HTTP API on ``settings`` (store, token, deadline, caps).

    Examples
    --------
    >>> app = create_app(Settings(backend=None))  # type: ignore[arg-type]
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith(("/sparql", "/queries")))
    ['/queries', '/queries/{name}', '/sparql']
    """
    app = FastAPI(
        title="ikg",
        summary="The knowledge graph of an integration concept: SPARQL endpoint and named queries.",
        version="0.1.0",
        docs_url=None,  # /docs is added by _add_docs, from local files
        redoc_url=None,  # ReDoc would load from a CDN: not offered
    )
    app.state.settings = settings
    errors.install(app)  # IkgError subclasses -> status codes, messages in the request's language

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's 405 names only the methods of the first route on the path; /sparql has a
        # GET and a POST route, so list what all routes on the path allow (RFC 9110, 15.5.6)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            allowed = _allowed_methods(app.router.routes, request)
            if allowed:
                headers["Allow"] = ", ".join(sorted(allowed))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)

    if settings.cors_origins:  # off unless configured (IKG_CORS_ORIGINS)
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            allow_credentials=False,
        )
    # outermost: a foreign Host or a cross-site write is refused before anything else runs
    app.add_middleware(RequestGuard, allowed_hosts=settings.allowed_hosts, allowed_origins=settings.cors_origins)
    app.include_router(sparql.router)
    app.include_router(queries.router)
    app.include_router(gaps.router)
    app.include_router(views.router)
    app.include_router(sheets.router)
    _add_docs(app)

    app.mount(web.STATIC_URL, StaticFiles(directory=web.STATIC_DIR), name="web-static")
    app.include_router(web.router)

    def api_index(store: StoreLike) -> dict[str, Any]:
        return {
            "name": "ikg",
            "sparql": "/sparql",
            "queries": "/queries",
            "gaps": "/gaps",
            "metrics": "/metrics",
            "network": "/network?format=graphml",
            "views": [f"/views/{name}.html" for name in VIEWS],
            "docs": "/docs",
            "read_only": not settings.write_token,
            "concepts": [{"id": c.id, "title": c.title} for c in list_concepts(store)],
        }

    @app.get("/api", summary="What this server offers", tags=["meta"])
    def index(store: StoreDep) -> JSONResponse:
        return JSONResponse(api_index(store))

    @app.get("/", include_in_schema=False)
    def home(request: Request, store: StoreDep) -> Response:
        # the workbench for people; a program that asks for JSON only still gets the index
        if choose(request.headers.get("accept"), ["text/html", "application/json"]) == "application/json":
            return JSONResponse(api_index(store))
        return web.start_page(request, store)

    return app
