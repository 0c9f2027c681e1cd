"""The exception hierarchy of ikg, rooted in :class:`IkgError`.

``IkgError``
    ``InputError``: the input (spreadsheet, RDF file, parameters) cannot be used; carries
    every :class:`~ikg.graph.ingest.problems.Problem` found, not just the first.
    ``StoreError``: the store cannot be opened or written (in use, read-only, disk full).
    ``QueryError``: a SPARQL query is malformed or refused.
    ``NotFoundError``: a named thing (concept, query, actor) does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ikg.graph.i18n import Lang, t

if TYPE_CHECKING:
    from ikg.graph.ingest.problems import Problem

__all__ = ["IkgError", "InputError", "NotFoundError", "QueryError", "StoreError"]


class IkgError(Exception):
    """Base class of all errors ikg raises on purpose.

    Raise it with a catalogue ``key`` and its parameters, so that each face can say it in the
    user's language (:meth:`render`); ``str(error)`` is the English text, for logs. A plain
    message (no key) is shown as it is in both languages.

    Examples
    --------
    >>> error = IkgError(key="common.nothing_written")
    >>> str(error), error.render("de")
    ('nothing was written', 'nichts wurde geschrieben')
    """

    def __init__(self, message: str = "", *, key: str | None = None, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(message or (t(key, "en", **params) if key else ""))

    def render(self, lang: Lang) -> str:
        """The message in ``lang``."""
        return t(self.key, lang, **self.params) if self.key else str(self)


class InputError(IkgError):
    """The input cannot be used; ``problems`` lists everything that is wrong with it."""

    def __init__(
        self, message: str = "", problems: list[Problem] | None = None, *, key: str | None = None, **params: Any
    ) -> None:
        super().__init__(message, key=key, **params)
        self.problems: list[Problem] = list(problems or [])


class StoreError(IkgError):
    """The store cannot be opened, read or written."""


class QueryError(IkgError):
    """A SPARQL query is malformed or uses a refused feature."""


class NotFoundError(IkgError):
    """A named thing does not exist."""
