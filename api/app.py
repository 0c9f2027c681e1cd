"""The FastAPI application: a thin wrapper that mounts the routers on shared settings.

Build it with :func:`create_app`; ``ikg serve`` runs it with uvicorn in front of an Oxigraph
server. OpenAPI docs are at ``/docs``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from ikg.graph.inventory import list_concepts
from ikg.viz.views import VIEWS

from . import gaps, queries, sparql, views
from .settings import Settings

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


def create_app(settings: Settings) -> FastAPI:
    """Return the ikg HTTP API on ``settings`` (store, token, deadline, caps).

    Examples
    --------
    >>> app = create_app(Settings(backend=None))
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith(("/sparql", "/queries")))
    ['/queries', '/queries/{name}', '/sparql']
    """
    app = FastAPI(
        title="ikg",
        summary="The knowledge graph of an integration concept: SPARQL endpoint and named queries.",
        version="0.1.0",
    )
    app.state.settings = settings

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
    app.include_router(sparql.router)
    app.include_router(queries.router)
    app.include_router(gaps.router)
    app.include_router(views.router)

    @app.get("/", summary="What this server offers", tags=["meta"])
    def index() -> JSONResponse:
        return JSONResponse(
            {
                "name": "ikg",
                "sparql": "/sparql",
                "queries": "/queries",
                "gaps": "/gaps",
                "metrics": "/metrics",
                "network": "/network?format=graphml",
                "views": [f"/views/{name}.html" for name in VIEWS],
                "docs": "/docs",
                "read_only": not settings.write_token,
                "concepts": [{"id": c.id, "title": c.title} for c in list_concepts(settings.backend.store)],
            }
        )

    return app
