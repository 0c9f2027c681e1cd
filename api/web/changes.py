"""What a revision changed: the page of a concept against the version it revises.

The comparison is :func:`ikg.graph.analysis.compare.compare_store` (the same as ``ikg gaps
--since`` and the report's section); its summary lines are the report's
(:func:`ikg.viz.documents.changes.change_lines`), so every face says the same.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ikg.api.http.deps import StoreDep
from ikg.api.web.home import concept_or_404, not_found
from ikg.api.web.render import html_page, make_page
from ikg.graph.analysis.advice import title_of
from ikg.graph.errors import NotFoundError

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: the kinds of thing a revision adds or removes, in the order the page lists them
KINDS = ("actors", "working_groups", "goals", "ties")


@router.get("/concepts/{concept}/changes", response_class=HTMLResponse)
def changes_page(request: Request, store: StoreDep, concept: str, since: str | None = None) -> HTMLResponse:
    """What changed from the version ``concept`` revises (or ``since``) to ``concept``.

    Parameters
    ----------
    request : Request
    store : StoreLike
    concept : str
        The newer version.
    since : str, optional
        The older version; default: the one the concept revises.

    Returns
    -------
    HTMLResponse
        The page, or the friendly 404 page when a version is not in the store.
    """
    from ikg.graph.analysis.compare import compare_store
    from ikg.viz.documents.changes import change_lines

    page = make_page(request, section="concept")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    try:
        changes = compare_store(store, concept, since)
    except NotFoundError as exc:
        return not_found(page, exc.render(page.lang))
    heading, lines = change_lines(changes, page.lang)
    return html_page(
        "changes.html",
        page,
        heading=heading,
        lines=lines,
        added={k: changes.added.get(k, []) for k in KINDS},
        removed={k: changes.removed.get(k, []) for k in KINDS},
        gaps=[
            ("closed", [title_of(f, page.lang) for f in changes.closed]),
            ("open", [title_of(f, page.lang) for f in changes.still_open]),
            ("new", [title_of(f, page.lang) for f in changes.new_gaps]),
        ],
        old=changes.old,
    )
