"""Settings of the HTTP API, read once from the environment (and the ``ikg serve`` options)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

__all__ = ["Settings"]


def _float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass
class Settings:
    """What the HTTP API runs with.

    Attributes
    ----------
    backend : PooledBackend or RemoteBackend
        Where queries run (:mod:`ikg.api.backends`); ``backend.store`` is the store for
        internal reads.
    write_token : str or None
        ``IKG_WRITE_TOKEN``: SPARQL Update and write routes need ``Authorization: Bearer`` it;
        without one, the API is read-only.
    query_timeout : float
        ``IKG_QUERY_TIMEOUT`` seconds (default 30); the worker running a query is killed then.
    max_rows : int
        ``IKG_MAX_ROWS`` (default 100,000): larger results are refused with a message, not cut.
    max_body : int
        ``IKG_MAX_BODY`` bytes of a request body (default 1 MB).
    max_update_body : int
        Bytes of an update body from a writer with the token (``IKG_MAX_INPUT_MB``, default 100 MB):
        an import through the endpoint sends the whole concept.
    cors_origins : tuple of str
        ``IKG_CORS_ORIGINS`` (comma-separated): web pages on these origins may call the API from
        a browser (GET and POST, no cookies). Empty by default: no CORS headers at all, so a page
        elsewhere cannot read the answers.
    """

    backend: Any
    write_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100_000
    max_body: int = 1_048_576
    max_update_body: int = 100 * 1_048_576
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, backend: Any, **overrides: Any) -> Settings:
        """Read the settings from the environment; keyword arguments win."""
        values: dict[str, Any] = {
            "write_token": os.environ.get("IKG_WRITE_TOKEN") or None,
            "query_timeout": _float("IKG_QUERY_TIMEOUT", 30.0),
            "max_rows": int(_float("IKG_MAX_ROWS", 100_000)),
            "max_body": int(_float("IKG_MAX_BODY", 1_048_576)),
            "max_update_body": int(_float("IKG_MAX_INPUT_MB", 100) * 1_048_576),
            "cors_origins": tuple(o.strip() for o in os.environ.get("IKG_CORS_ORIGINS", "").split(",") if o.strip()),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(backend=backend, **values)
