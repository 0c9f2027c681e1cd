"""The reports of each concept in the workbench: a page per concept, and the report itself.

``/concepts/{c}/report`` is a workbench page that says what the report holds and links to it;
``/concepts/{c}/report/index.html`` is the report ``ikg report`` writes
(:func:`ikg.viz.report.write_report`: key figures, coverage, the top gaps, the views), rendered
from the store on the first request and kept as long as the store object it was read from (a
change makes a new one), per language; ``/concepts/{c}/report/views/NAME.html|svg|png`` are the
view files beside it, to open or download. The report keeps its own Content-Security-Policy (its
``<meta>``); the answers add ``nosniff`` and forbid framing by other sites.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from ikg.api.http.deps import StoreDep
from ikg.api.http.queries import attachment
from ikg.api.web.home import concept_or_404, not_found
from ikg.api.web.render import html_page, make_page
from ikg.graph.analysis.gaps import KINDS, analyse
from ikg.graph.analysis.network import load_network
from ikg.graph.i18n import Lang
from ikg.graph.store.base import StoreLike

__all__ = ["DOCUMENTS", "REPORT_TOP", "report_document", "report_folder", "router"]

router = APIRouter(include_in_schema=False)

#: findings per kind the report lists (``ikg report --top``'s default)
REPORT_TOP = 10
_MEDIA = {".html": "text/html; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}
#: the report as a document for the committee: Word and tagged PDF (:func:`ikg.viz.report.write_document`)
DOCUMENTS = {
    "report.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "report.pdf": "application/pdf",
}
_ROOT = Path(tempfile.mkdtemp(prefix="ikg-web-reports-"))
_LOCK = threading.Lock()
_FOLDERS: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], Path]] = weakref.WeakKeyDictionary()
_count = 0


def _drop(folders: dict[tuple[str, str], Path]) -> None:
    for path in folders.values():
        shutil.rmtree(path, ignore_errors=True)


def report_folder(store: StoreLike, concept: str, lang: Lang) -> Path:
    """The folder holding the report of ``concept`` in ``lang``, written once per store object.

    Parameters
    ----------
    store : StoreLike
        The store the server reads (a new object after every change).
    concept : str
        A concept id the store holds.
    lang : {"de", "en"}

    Returns
    -------
    Path
        With ``index.html`` and ``views/``.
    """
    from ikg.viz.report import write_report

    global _count
    with _LOCK:  # one report at a time: the machine is small, and a second request would wait anyway
        folders = _FOLDERS.get(store)
        if folders is None:
            folders = _FOLDERS[store] = {}
            weakref.finalize(store, _drop, folders)
        found = folders.get((concept, lang))
        if found is not None and (found / "index.html").exists():
            return found
        _count += 1
        folder = _ROOT / f"r{_count}"
        net = load_network(store, concept)
        write_report(net, analyse(net, KINDS, REPORT_TOP), folder, lang)
        folders[(concept, lang)] = folder
        return folder


def report_document(store: StoreLike, concept: str, lang: Lang, name: str) -> Path:
    """The report of ``concept`` as a Word or PDF document (``name``: a key of :data:`DOCUMENTS`),
    written once per store object and language, with what changed since the version it revises
    when that is in the store.

    Parameters
    ----------
    store : StoreLike
    concept : str
    lang : {"de", "en"}
    name : str
        ``report.docx`` or ``report.pdf``.

    Returns
    -------
    Path
        The document.
    """
    from ikg.graph.analysis.compare import compare_store
    from ikg.graph.errors import NotFoundError
    from ikg.viz.report import write_document

    folder = report_folder(store, concept, lang)
    with _LOCK:
        written = folder / "documents" / name
        if written.is_file():
            return written
        net = load_network(store, concept)
        analysis = analyse(net, KINDS, REPORT_TOP)
        try:
            changes = compare_store(store, concept)
        except NotFoundError:  # it revises none, or the earlier version is not in the store
            changes = None
        made = (
            folder / "documents" / write_document(analysis, folder / "documents", lang, name.rsplit(".", 1)[1], changes)
        )
        made.replace(written)
        return written


@router.get("/concepts/{concept}/report", response_class=HTMLResponse)
def report_page(request: Request, store: StoreDep, concept: str) -> HTMLResponse:
    """What the report of a concept holds, with links to open it and to download its views."""
    page = make_page(request, section="report")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    base = page.concept_path("report")
    return html_page("report.html", page, base=base, views=("gaps", "actors", "overview"))


@router.get("/concepts/{concept}/report/{path:path}")
async def report_file(request: Request, store: StoreDep, concept: str, path: str) -> Response:
    """The report (``index.html``) or one of its view files, rendered from the store once and kept."""
    page = make_page(request, section="report")
    info = concept_or_404(store, page, concept)
    if isinstance(info, HTMLResponse):
        return info
    if path in DOCUMENTS:
        document = await run_in_threadpool(report_document, store, concept, page.lang, path)
        headers = {"Content-Language": page.lang, "X-Content-Type-Options": "nosniff"}
        stem = page.t("web.report.file_stem")  # "bericht" or "report", as ikg report names the file
        headers.update(attachment(f"{concept}-{stem}", path.rsplit(".", 1)[1]))
        return Response(document.read_bytes(), media_type=DOCUMENTS[path], headers=headers)
    allowed = path == "index.html" or (
        path.startswith("views/") and path.count("/") == 1 and Path(path).suffix in _MEDIA and ".." not in path
    )
    if not allowed:
        return not_found(page, page.t("web.report.no_file", name=path))
    folder = await run_in_threadpool(report_folder, store, concept, page.lang)
    file = folder / path
    if not file.is_file():
        return not_found(page, page.t("web.report.no_file", name=path))
    headers = {
        "Content-Language": page.lang,
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Language",
        "Content-Security-Policy": "frame-ancestors 'self'",
    }
    if request.query_params.get("download"):
        headers.update(attachment(f"{concept}-{Path(path).stem}", Path(path).suffix[1:]))
    return Response(file.read_bytes(), media_type=_MEDIA[Path(path).suffix], headers=headers)
