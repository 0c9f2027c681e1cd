"""Every word a user reads, in German and English: gettext catalogues, read with Babel.

The catalogues are ``graph/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per face (``cli``,
``http``, ``ingest``, ``gaps``, ``viz``, ...). Messages are looked up by a stable key
(``cli.store_at``), so that a translator or a clerk can change the wording of either language in
the ``.po`` file without touching code; both languages are complete, which
``tests/test_catalogue.py`` checks (no key missing, no placeholder lost, no key unused).

The catalogues are read from the source folder when first needed, so an edit shows at once in
an editable install, with no compile step.

One rule chooses the language everywhere (:func:`resolve_lang`): ``--lang`` (or a ``lang``
parameter), else ``IKG_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) or the
browser's ``Accept-Language``, else German.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel.dates import format_date as _babel_date
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _babel_decimal

__all__ = [
    "LANGS",
    "Lang",
    "catalogue",
    "default_lang",
    "format_date",
    "format_number",
    "resolve_lang",
    "t",
    "tn",
]

Lang = Literal["de", "en"]
#: the languages ikg speaks; the first is the default
LANGS: tuple[Lang, ...] = ("de", "en")
LOCALE_DIR = Path(__file__).parent / "locale"


@cache
def catalogue(lang: Lang) -> dict[str, Any]:
    """All messages of a language: key to text (or to a tuple of singular and plural).

    Parameters
    ----------
    lang : Lang
        ``de`` or ``en``.

    Returns
    -------
    dict
        Message key to its text, or to a tuple of singular and plural forms.
    """
    messages: dict[str, Any] = {}
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            parsed: Catalog = read_po(fh, locale=lang, domain=po.stem)
        for message in parsed:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]  # a plural's id: (singular, plural)
            messages[key] = message.string
    return messages


def t(key: str, lang: Lang, /, **params: Any) -> str:
    """The message ``key`` in ``lang``, with ``{placeholders}`` filled in.

    A key missing from the catalogue is returned as it is (and the catalogue test fails), so a
    user never sees a traceback for a missing translation. A plural entry takes its form from
    the parameter ``n`` (see :func:`tn`).

    Examples
    --------
    >>> t("common.nothing_written", "de")
    'nichts wurde geschrieben'
    >>> t("common.nothing_written", "en")
    'nothing was written'
    """
    text = catalogue(lang).get(key)
    if isinstance(text, tuple) and isinstance(params.get("n"), int):
        return tn(key, params.pop("n"), lang, **params)
    if not isinstance(text, str) or not text:
        return key
    return text.format(**params) if params else text


def tn(key: str, n: int, lang: Lang, /, **params: Any) -> str:
    """The singular or plural form of ``key`` for ``n`` (``{n}`` is filled in too).

    Examples
    --------
    >>> tn("cli.invalid", 1, "de", name="akteure.csv"), tn("cli.invalid", 3, "de", name="akteure.csv")
    ('akteure.csv: 1 Problem', 'akteure.csv: 3 Probleme')
    """
    forms = catalogue(lang).get(key)
    if not isinstance(forms, tuple) or len(forms) < 2:
        return t(key, lang, n=n, **params)
    text = forms[0] if n == 1 else forms[1]
    return text.format(n=format_number(n, lang), **params)


def format_number(value: float, lang: Lang, digits: int | None = None) -> str:
    """A number as the language writes it (``0,412`` in German, ``1.234`` thousands).

    Examples
    --------
    >>> format_number(1234.5, "de"), format_number(0.4123, "en", 3), format_number(7, "de")
    ('1.234,5', '0.412', '7')
    """
    fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
    return str(_babel_decimal(value, format=fmt, locale=lang))


def format_date(value: dt.date | str | None, lang: Lang) -> str:
    """A date as the language writes it (``30. Juni 2015``); text that is not a date stays as it is.

    Examples
    --------
    >>> format_date("2015-06-30", "de"), format_date("2015-06-30", "en"), format_date("2015", "de")
    ('30. Juni 2015', 'June 30, 2015', '2015')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
    else:
        day = value
    return str(_babel_date(day, format="long", locale=lang))


def _lang_of(tag: str) -> Lang | None:
    code = tag.strip().lower().replace("_", "-").split("-")[0].split(".")[0]
    return code if code in LANGS else None


def _from_accept_language(header: str) -> Lang | None:
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > 0 and tag:
            ranked.append((-q, i, tag))
    for _, _, tag in sorted(ranked):
        lang = _lang_of(tag)
        if lang is not None:
            return lang
    return None


def resolve_lang(explicit: str | None = None, accept_language: str | None = None) -> Lang:
    """The one rule: ``explicit``, else ``IKG_LANG``, else the browser's or the system's locale, else German.

    Parameters
    ----------
    explicit : str, optional
        ``--lang`` on the command line, ``lang=`` on a URL.
    accept_language : str, optional
        The HTTP ``Accept-Language`` header; without one (the command line) the locale variables
        ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` are read (``C`` and ``POSIX`` say nothing).

    Examples
    --------
    >>> import os
    >>> saved = {k: os.environ.pop(k, None) for k in ("IKG_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    >>> resolve_lang(), resolve_lang("en"), resolve_lang(accept_language="fr, en;q=0.8, de;q=0.5")
    ('de', 'en', 'en')
    >>> os.environ["LANG"] = "en_GB.UTF-8"; resolve_lang()
    'en'
    >>> os.environ["IKG_LANG"] = "de"; resolve_lang()
    'de'
    >>> for k, v in saved.items():
    ...     _ = os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    """
    for candidate in (explicit, os.environ.get("IKG_LANG")):
        chosen = _lang_of(candidate) if candidate else None
        if chosen:
            return chosen
    if accept_language is not None:
        found = _from_accept_language(accept_language)
        if found:
            return found
    else:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            value = os.environ.get(var, "")
            if value and value not in ("C", "POSIX") and not value.startswith("C."):
                found = _lang_of(value)
                if found:
                    return found
                break
    return "de"


def default_lang() -> Lang:
    """The language of a command run without ``--lang`` (:func:`resolve_lang` without a request)."""
    return resolve_lang()
