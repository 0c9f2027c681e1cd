"""Language selection for messages and labels (German and English)."""

from __future__ import annotations

import os
from typing import Literal

__all__ = ["Lang", "default_lang"]

Lang = Literal["de", "en"]


def default_lang() -> Lang:
    """Return the user's language: ``IKG_LANG``, else ``LANG``/``LC_ALL`` starting with ``de``, else English.

    Examples
    --------
    >>> import os
    >>> os.environ["IKG_LANG"] = "de"
    >>> default_lang()
    'de'
    >>> del os.environ["IKG_LANG"]
    """
    explicit = os.environ.get("IKG_LANG", "").strip().lower()
    if explicit in ("de", "en"):
        return explicit  # type: ignore[return-value]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"
