"""Settings of the HTTP API, read once from the environment (and the ``ikg serve`` options)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ikg.api.http.backends import Backend

__all__ = ["Settings"]


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


def _names(name: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in os.environ.get(name, "").split(",") if o.strip())


@dataclass
class Settings:
    """What the HTTP API runs with.

    Attributes
    ----------
    backend : Backend
        A :class:`~ikg.api.http.backends.PooledBackend` or :class:`~ikg.api.http.remote_backend.RemoteBackend`.
        Where queries run (:mod:`ikg.api.http.backends`); ``backend.store`` is the store for
        internal reads.
    write_token : str or None
        ``IKG_WRITE_TOKEN``: SPARQL Update and write routes need ``Authorization: Bearer`` it;
        without one, the API is read-only.
    local_token : str or None
        The write token of this run that ``ikg serve`` puts in the store's server file
        (:mod:`ikg.graph.store.running`) for the other ``ikg`` commands of the same user;
        accepted like ``write_token``. Not from the environment.
    query_timeout : float
        ``IKG_QUERY_TIMEOUT`` seconds (default 30); the engine process running a query is killed then.
    max_rows : int
        ``IKG_MAX_ROWS`` (default 100,000): larger results are refused with a message, not cut.
    max_body : int
        ``IKG_MAX_BODY`` bytes of a request body (default 1 MB).
    max_update_body : int
        Bytes of an update body from a writer with the token (``IKG_MAX_INPUT_MB``, default 100 MB):
        an import through the endpoint sends the whole concept.
    max_result_bytes : int
        ``IKG_MAX_RESULT_MB`` (default 32 MB): an answer is counted as it arrives from the engine;
        past this the engine is stopped and the client gets a message, so the API's memory stays
        bounded.
    update_timeout : float
        ``IKG_UPDATE_TIMEOUT`` seconds (default 120); the writer running an update is killed then
        and nothing is changed.
    allowed_hosts : tuple of str
        Host names answered besides 127.0.0.1, localhost and ::1 (``IKG_ALLOWED_HOSTS``,
        comma-separated, plus ``--host``); any other ``Host`` header is refused (DNS rebinding).
    cors_origins : tuple of str
        ``IKG_CORS_ORIGINS`` (comma-separated): web pages on these origins may call the API from
        a browser (GET and POST, no cookies). Empty by default: no CORS headers at all, so a page
        elsewhere cannot read the answers.
    """

    backend: Backend
    write_token: str | None = None
    local_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100_000
    max_body: int = 1_048_576
    max_update_body: int = 100 * 1_048_576
    max_result_bytes: int = 32 * 1_048_576
    update_timeout: float = 120.0
    allowed_hosts: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()

    @property
    def tokens(self) -> tuple[str, ...]:
        """The write tokens accepted: ``IKG_WRITE_TOKEN`` and this run's local one, as set."""
        return tuple(token for token in (self.write_token, self.local_token) if token)

    @classmethod
    def from_env(cls, backend: Backend, **overrides: Any) -> Settings:
        """Read the settings from the environment; keyword arguments win."""
        values: dict[str, Any] = {
            "write_token": os.environ.get("IKG_WRITE_TOKEN") or None,
            "query_timeout": _float("IKG_QUERY_TIMEOUT", 30.0),
            "max_rows": int(_float("IKG_MAX_ROWS", 100_000)),
            "max_body": int(_float("IKG_MAX_BODY", 1_048_576)),
            "max_update_body": int(_float("IKG_MAX_INPUT_MB", 100) * 1_048_576),
            "max_result_bytes": int(_float("IKG_MAX_RESULT_MB", 32) * 1_048_576),
            "update_timeout": _float("IKG_UPDATE_TIMEOUT", 120.0),
            "allowed_hosts": _names("IKG_ALLOWED_HOSTS"),
            "cors_origins": _names("IKG_CORS_ORIGINS"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(backend=backend, **values)
