"""Rendering the workbench's pages: the Jinja templates, the words, links, paging and the page headers.

Templates live in ``api/web/templates/`` and are loaded with autoescape on, so every label from
the store is escaped. Every word comes from the ``web`` catalogue: templates call ``t("web.key")``
(the request's language is bound), numbers go through ``num`` (``1.234`` in German). Links keep an
explicitly chosen language (``?lang=``) so that a click on "English" holds on every page.

Pages carry a Content-Security-Policy that allows the server's own stylesheet and nothing else:
no script runs on the pages of the workbench, but for the SPARQL editor, whose policy
(:data:`CSP_SCRIPTS`) adds the server's own script files (the vendored editor and its set-up), no
inline script and no ``eval``; the page works without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ikg.api.formats.findings import kind_heading
from ikg.api.http.deps import request_lang
from ikg.graph.i18n import LANGS, Lang, format_number, t

__all__ = ["CSP", "CSP_SCRIPTS", "SEGMENTS", "STATIC_DIR", "STATIC_URL", "Page", "Pager", "html_page"]

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
STATIC_URL = "/static/web"

#: the URL segment of each kind of thing
SEGMENTS: dict[str, str] = {
    "actor": "actors",
    "working_group": "working-groups",
    "goal": "goals",
    "action_field": "action-fields",
    "task": "tasks",
}

#: only the server's own stylesheet; no script, no frame, no form to elsewhere
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
#: the same, and script files from this server (no inline script, no ``eval``): the SPARQL editor's page only
CSP_SCRIPTS = CSP.replace("default-src 'none';", "default-src 'none'; script-src 'self';", 1)

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(["html"], default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Pager:
    """One page of a long list.

    Attributes
    ----------
    page : int
        The page shown, from 1.
    size : int
        Rows per page.
    total : int
        Rows in the whole list.
    """

    page: int
    size: int
    total: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", max(1, min(self.page, self.pages)))  # a page past the end shows the last

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        """The first row of this page."""
        return (self.page - 1) * self.size

    def cut(self, rows: list[Any]) -> list[Any]:
        """This page's rows of the whole list ``rows``."""
        return rows[self.offset : self.offset + self.size]


@dataclass
class Page:
    """What every template gets: the request's language, the words, links and the navigation.

    Attributes
    ----------
    request : Request
    lang : {"de", "en"}
    concept : str
        The concept the page belongs to ("" for start and search).
    concept_title : str
    section : str
        Which navigation entry is current (``start``, ``concept``, ``actors``, ``goals``, ``gaps``, ``search``).
    """

    request: Request
    lang: Lang
    concept: str = ""
    concept_title: str = ""
    section: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def explicit(self) -> bool:
        """Whether the language was chosen on the URL (then every link keeps it)."""
        return self.request.query_params.get("lang") in LANGS

    @property
    def other_lang(self) -> Lang:
        """The language the switch offers."""
        return "en" if self.lang == "de" else "de"

    def t(self, key: str, /, **params: Any) -> str:
        """The message ``key`` in the page's language."""
        return t(key, self.lang, **params)

    def kind_name(self, kind: str, plural: bool = False) -> str:
        """The name of a kind of thing (``actor``, ``working_group``, ...), singular or plural."""
        lang = self.lang
        names = {
            "actor": (t("web.kind.actor", lang), t("web.kinds.actor", lang)),
            "working_group": (t("web.kind.working_group", lang), t("web.kinds.working_group", lang)),
            "goal": (t("web.kind.goal", lang), t("web.kinds.goal", lang)),
            "action_field": (t("web.kind.action_field", lang), t("web.kinds.action_field", lang)),
            "task": (t("web.kind.task", lang), t("web.kinds.task", lang)),
        }
        return names[kind][1 if plural else 0]

    def figure_name(self, kind: str) -> str:
        """The name of a key figure (the kinds of :data:`ikg.graph.library.inventory.KINDS` the pages show)."""
        lang = self.lang
        return {
            "actors": t("web.kinds.actor", lang),
            "working_groups": t("web.kinds.working_group", lang),
            "goals": t("web.kinds.goal", lang),
            "action_fields": t("web.kinds.action_field", lang),
            "cross_cutting_tasks": t("web.kinds.task", lang),
            "cooperations": t("web.figure.cooperations", lang),
            "ties": t("web.figure.ties", lang),
        }[kind]

    def gap_kind_name(self, kind: str) -> str:
        """The name of a kind of networking gap (the ``gaps`` catalogue's headings)."""
        return kind_heading(kind, self.lang)

    def num(self, value: float, digits: int | None = None) -> str:
        """A number as the page's language writes it."""
        return format_number(value, self.lang, digits)

    def href(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """A link on this server: ``path`` with ``params`` (empty ones left out) and the chosen language."""
        query = {k: v for k, v in (params or {}).items() if v not in (None, "") and not (k == "page" and v == 1)}
        if self.explicit:
            query["lang"] = self.lang
        return path + ("?" + urlencode(query, doseq=True) if query else "")

    def concept_href(self, concept: str | None = None, tail: str = "", params: Mapping[str, Any] | None = None) -> str:
        """The page of a concept, or of ``tail`` under it (``actors``, ``gaps``, ...), with the chosen language."""
        return self.href(self.concept_path(tail, concept), params)

    def concept_path(self, tail: str = "", concept: str | None = None) -> str:
        """The path of a concept's page, or of ``tail`` under it (a form's ``action``: no query)."""
        return "/concepts/" + quote(concept or self.concept, safe="") + ("/" + tail if tail else "")

    def thing_href(self, kind: str, thing_id: str, concept: str | None = None) -> str:
        """The page of one actor, working group, goal, action field or task."""
        return self.concept_href(concept, SEGMENTS[kind] + "/" + quote(thing_id, safe=""))

    def switch_href(self) -> str:
        """This page in the other language."""
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        query.append(("lang", self.other_lang))
        return self.request.url.path + "?" + urlencode(query)

    def view_href(self, name: str, **params: str) -> str:
        """A network view of this concept (``/views/NAME.html``), in the page's language."""
        return "/views/" + name + ".html?" + urlencode({"concept": self.concept, **params, "lang": self.lang})

    def pager_href(self, page: int) -> str:
        """This page of a list with ``page`` instead of the current page."""
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "page"]
        if page > 1:
            query.append(("page", str(page)))
        return self.request.url.path + ("?" + urlencode(query) if query else "")


def page_of(request: Request) -> int:
    """The ``page`` query parameter (1 when missing or not a positive number)."""
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def make_page(request: Request, **fields: Any) -> Page:
    """A :class:`Page` in the request's language (``?lang=``, ``IKG_LANG``, ``Accept-Language``, German)."""
    return Page(request, request_lang(request), **fields)


def html_page(template: str, page: Page, status: int = 200, *, scripts: bool = False, **context: Any) -> HTMLResponse:
    """Render ``template`` with ``page`` and ``context`` into an answer with the workbench's headers.

    Parameters
    ----------
    template : str
        A file in ``api/web/templates/``.
    page : Page
    status : int
        The HTTP status (404 for the friendly "not found" page).
    scripts : bool
        Whether the page may load script files from this server (:data:`CSP_SCRIPTS`, the SPARQL
        editor); every other page runs none (:data:`CSP`).
    **context
        What the template shows.

    Returns
    -------
    HTMLResponse
        With the Content-Security-Policy, ``Content-Language`` and ``Vary: Accept-Language``.
    """
    body = _ENV.get_template(template).render(page=page, t=page.t, num=page.num, **context)
    headers = {
        "Content-Security-Policy": CSP_SCRIPTS if scripts else CSP,
        "Content-Language": page.lang,
        "Vary": "Accept-Language",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    return HTMLResponse(body, status_code=status, headers=headers)
