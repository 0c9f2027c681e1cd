"""``/views/{name}.html|.svg|.png``: the network views over HTTP, same options as ``ikg view``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import LangDep, StoreDep
from ikg.graph.analysis.gaps import analyse
from ikg.graph.analysis.network import choose_concepts, load_network
from ikg.graph.choices import METRICS, VIEWS
from ikg.graph.errors import InputError, NotFoundError
from ikg.graph.store.base import StoreLike
from ikg.viz.style import COLOR_BY
from ikg.viz.views import MEDIA_TYPES, ViewRequest, render_view

__all__ = ["router"]

router = APIRouter(tags=["views"])


# Choices are enum classes whose members are made from the core's tuples (the ``_ignore_`` idiom
# of the enum documentation), so that type checkers know them. No docstrings: FastAPI would put
# them into the OpenAPI schema.


#: what an actor's size shows (the core's metrics)
class SizeBy(StrEnum):
    _ignore_ = "choice"  # the loop variable is no member
    for choice in METRICS:
        vars()[choice] = choice


#: the default of ``size_by``, as for ``ikg view``
_DEFAULT_SIZE_BY = SizeBy("betweenness")


#: what the actors' colour and shape show (``ikg view --color-by``)
class ColorBy(StrEnum):
    _ignore_ = "choice"
    for choice in COLOR_BY:
        vars()[choice] = choice


_DEFAULT_COLOR_BY = ColorBy("type")


def _render(store: StoreLike, concept: str | None, request: ViewRequest, fmt: str) -> bytes:
    (chosen,) = choose_concepts(store, concept, one=True, hint="?concept=")
    net = load_network(store, chosen)
    return render_view(net, analyse(net, kinds=()), request, fmt)


IdParam = Annotated[str | None, Query(max_length=200)]


@router.get(
    "/views/{file}",
    summary="A network view as a self-contained HTML page, SVG or PNG",
    response_class=Response,
    responses={
        200: {
            "description": "The view",
            "content": {"text/html": {}, "image/svg+xml": {}, "image/png": {}},
        },
        400: {"description": "Unknown view or format, missing id, several concepts and none chosen"},
        404: {"description": "No such concept, actor, action field or working group"},
    },
)
async def get_view(
    file: str,
    store: StoreDep,
    lang: LangDep,
    concept: IdParam = None,
    actor: IdParam = None,
    action_field: IdParam = None,
    working_group: IdParam = None,
    radius: Annotated[int, Query(ge=1, le=2)] = 1,
    size_by: SizeBy = _DEFAULT_SIZE_BY,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    color_by: ColorBy = _DEFAULT_COLOR_BY,
) -> Response:
    """``file`` is ``NAME.html``, ``NAME.svg`` or ``NAME.png``, NAME one of the views of ``ikg view``.

    Views: overview, actors, action-field (``action_field=ID``), working-group
    (``working_group=ID``), ego (``actor=ID``, ``radius=1|2``), gaps (``top=N``); actors coloured
    and shaped by ``color_by=type|town|group``. Embed an HTML view
    with ``<iframe sandbox="allow-scripts" src="/views/gaps.html?concept=...">``: it loads nothing
    else and runs no script but its own.
    """
    name, _, fmt = file.rpartition(".")
    if name not in VIEWS or fmt not in MEDIA_TYPES:
        error = NotFoundError if name not in VIEWS else InputError
        raise error(key="http.view_file_unknown", file=file, views=", ".join(VIEWS))
    view = ViewRequest(name, lang, actor, action_field, working_group, radius, size_by.value, top, color_by.value)
    data = await run_in_threadpool(_render, store, concept, view, fmt)
    return Response(data, media_type=MEDIA_TYPES[fmt], headers={"X-Content-Type-Options": "nosniff"})
