"""The FastAPI application: a thin wrapper that mounts the routers on shared settings.

Build it with :func:`create_app`; ``ikg serve`` runs it with uvicorn in front of an Oxigraph
server. OpenAPI docs are at ``/docs``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from ikg.graph.inventory import list_concepts
from ikg.viz.views import VIEWS

from . import gaps, queries, sparql, views
from .settings import Settings

__all__ = ["create_app"]


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
