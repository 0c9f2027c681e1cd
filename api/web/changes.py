"""What a revision changed: the page of a concept against the version it revises.

The comparison is :func:`ikg.graph.analysis.compare.compare` (as in ``ikg gaps --since`` and the
report's section) of the two analyses the workbench keeps (:func:`ikg.api.web.insight.insight`,
at most :data:`~ikg.api.web.insight.MAX_PER_KIND` findings of each kind, as on the gaps page):
:func:`~ikg.graph.analysis.compare.compare_store` analyses both versions anew without that cap,
minutes at 10,000 actors. Its summary lines are the report's
(:func:`ikg.viz.documents.changes.change_lines`), so every face says the same. The comparison is
kept for the store state (12 s at 10,000 actors). Each list shows its first :data:`SHOWN`
entries and says how many there are.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ikg.api.http.deps import StoreDep
from ikg.api.web.home import concept_or_404, not_found
from ikg.api.web.insight import concepts, insight, kept
from ikg.api.web.render import html_page, make_page
from ikg.graph.analysis.advice import title_of
from ikg.graph.analysis.compare import Changes
from ikg.graph.errors import NotFoundError
from ikg.graph.store.base import StoreLike

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: the kinds of thing a revision adds or removes, in the order the page lists them
KINDS = ("actors", "working_groups", "goals", "ties")
#: entries shown of each list (a new concept of 10,000 actors adds 10,000)
SHOWN = 100


def compare_kept(store: StoreLike, concept: str, since: str | None) -> Changes:
    """``concept`` against ``since`` or the version it revises, from the kept analyses.

    Raises
    ------
    NotFoundError
        As :func:`~ikg.graph.analysis.compare.compare_store`: no earlier version, or not in the store.
    """
    from ikg.graph.analysis.compare import compare
    from ikg.graph.analysis.network import choose_concepts

    known = {c.id: c for c in concepts(store)}
    old = since or known[concept].revision_of
    if not old:
        raise NotFoundError(key="compare.no_revision", concept=concept)
    if old not in known:
        ids = ", ".join(choose_concepts(store))
        raise NotFoundError(key="compare.old_not_in_store", old=old, concept=concept, known=ids)
    before, after = insight(store, old).analysis, insight(store, concept).analysis  # outside kept(): its lock
    # the comparison itself takes seconds at 10,000 actors: kept for the store state like the analyses
    changes: Changes = kept(store, f"changes:{concept}:{old}", lambda: compare(before, after))
    return changes


def _cut(values: list[Any]) -> tuple[list[Any], int]:
    """The first :data:`SHOWN` of ``values``, and how many there are."""
    return values[:SHOWN], len(values)


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
    from ikg.viz.documents.changes import change_lines

    page = make_page(request, section="concept")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    try:
        changes = compare_kept(store, concept, since)
    except NotFoundError as exc:
        return not_found(page, exc.render(page.lang))
    key = f"changes-lines:{concept}:{changes.old}:{page.lang}"  # the summary names everyone: 1 s at 10,000 actors
    heading, lines = kept(store, key, lambda: change_lines(changes, page.lang))
    return html_page(
        "changes.html",
        page,
        heading=heading,
        lines=lines,
        added={k: _cut(changes.added.get(k, [])) for k in KINDS},
        removed={k: _cut(changes.removed.get(k, [])) for k in KINDS},
        gaps=[
            (key, [title_of(f, page.lang) for f in found[:SHOWN]], len(found))
            for key, found in (("closed", changes.closed), ("open", changes.still_open), ("new", changes.new_gaps))
        ],
        old=changes.old,
    )
