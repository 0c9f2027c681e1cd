"""The exception hierarchy of ikg, rooted in :class:`IkgError`.

``IkgError``
    ``InputError``: the input (spreadsheet, RDF file, parameters) cannot be used; carries
    every :class:`~ikg.graph.ingest.problems.Problem` found, not just the first.
    ``StoreError``: the store cannot be opened or written (in use, read-only, disk full).
    ``QueryError``: a SPARQL query is malformed or refused.
    ``NotFoundError``: a named thing (concept, query, actor) does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ikg.graph.ingest.problems import Problem

__all__ = ["IkgError", "InputError", "NotFoundError", "QueryError", "StoreError"]


class IkgError(Exception):
    """Base class of all errors ikg raises on purpose."""


class InputError(IkgError):
    """The input cannot be used; ``problems`` lists everything that is wrong with it."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])


class StoreError(IkgError):
    """The store cannot be opened, read or written."""


class QueryError(IkgError):
    """A SPARQL query is malformed or uses a refused feature."""


class NotFoundError(IkgError):
    """A named thing does not exist."""
