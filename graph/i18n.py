"""Every word a user reads, in German and English: gettext catalogues; numbers and dates by Babel.

The catalogues are ``graph/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per face (``cli``,
``http``, ``ingest``, ``gaps``, ``viz``, ...). Messages are looked up by a stable key
(``cli.store_at``), so that a translator or a clerk can change the wording of either language in
the ``.po`` file without touching code; both languages are complete, which
``tests/test_catalogue.py`` checks (no key missing, no placeholder lost, no key unused).

The catalogues are read from the source folder when first needed (by a small reader of the
``.po`` format, :func:`read_po_messages`: Babel's parser took a tenth of a command's run), so an
edit shows at once in an editable install, with no compile step. Babel's number and date
modules are imported only where a number or a date is written.

One rule chooses the language everywhere (:func:`resolve_lang`): ``--lang`` (or a ``lang``
parameter), else ``IKG_LANG``, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``) or the
browser's ``Accept-Language``, else German.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import cache
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "LANGS",
    "Lang",
    "catalogue",
    "default_lang",
    "format_date",
    "format_number",
    "read_po_messages",
    "resolve_lang",
    "t",
    "tn",
]

Lang = Literal["de", "en"]
#: the languages ikg speaks; the first is the default
LANGS: tuple[Lang, ...] = ("de", "en")
LOCALE_DIR = Path(__file__).parent / "locale"

_ESCAPE = re.compile(r'\\([\\abfnrtv"])')
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def _unquote(part: str) -> str:
    """One quoted piece of a ``.po`` string, without its quotes and with its escapes resolved."""
    inner = part[1:-1]
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m[1], m[1]), inner) if "\\" in inner else inner


class _PoReader:
    """The state of :func:`read_po_messages` while it reads one file."""

    def __init__(self) -> None:
        self.found: dict[tuple[str | None, str], tuple[str, Any, bool]] = {}
        self.nplurals = 2
        self._reset()

    def _reset(self) -> None:
        self.ids: list[list[str]] = []
        self.strings: list[tuple[int, list[str]]] = []
        self.context: list[str] | None = None
        self.obsolete = False
        self.current: list[str] | None = None

    def finish(self) -> None:
        """Add the message read so far (as Babel's catalogue does: the first of two equal ids stays)."""
        if not self.ids:
            self._reset()
            return
        if not self.strings:
            self.strings.append((0, []))
        msgid = "".join(map(_unquote, self.ids[0]))
        plural = len(self.ids) > 1
        if plural:
            forms = [""] * self.nplurals
            for index, parts in sorted(self.strings, key=lambda s: s[0]):
                if index < self.nplurals:
                    forms[index] = "".join(map(_unquote, parts))
            string: Any = tuple(forms)
        else:
            string = "".join(map(_unquote, self.strings[0][1]))
        if msgid == "" and not plural:  # the header: only the number of plural forms matters here
            found = _NPLURALS.search(string)
            self.nplurals = int(found[1]) if found else self.nplurals
        elif not self.obsolete:
            key = (None if self.context is None else "".join(map(_unquote, self.context)), msgid)
            before = self.found.get(key)
            if before is None or (plural and not before[2]):
                self.found[key] = (msgid, string, plural)
        self._reset()

    def keyword(self, line: str, obsolete: bool) -> None:
        """A line starting with ``msgid``, ``msgid_plural``, ``msgctxt`` or ``msgstr``."""
        word, _, arg = line.partition(" ")
        if word in ("msgid", "msgctxt"):
            self.finish()
        self.obsolete = obsolete
        if word in ("msgid", "msgid_plural"):
            self.ids.append([arg])
            self.current = self.ids[-1]
        elif word == "msgctxt":
            self.context = [arg]
            self.current = self.context
        elif word == "msgstr" or word.startswith("msgstr["):
            _, bracket, index = word.partition("[")
            parts = [] if arg == '""' else [arg]
            self.strings.append((int(index[:-1]) if bracket else 0, parts))
            self.current = parts
        else:
            raise ValueError(f"unknown keyword {word!r}")


def read_po_messages(path: Path) -> dict[str, Any]:
    """The messages of one ``.po`` file: msgid to its text, or to the tuple of its plural forms.

    What Babel's ``read_po`` gives for the same file (obsolete ``#~`` entries and the header left
    out, the first of two equal ids kept, escapes resolved), in a tenth of the time: a command
    reads the catalogue on every run, and Babel's parser was a tenth of an ``ikg info``.
    ``tests/test_startup.py`` compares the two on every shipped file.

    Parameters
    ----------
    path : Path
        A gettext catalogue in UTF-8.

    Returns
    -------
    dict
        In file order.

    Raises
    ------
    ValueError
        For a line that is no part of a ``.po`` file (a keyword it does not know).
    """
    reader = _PoReader()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[0] == "#":
            if line[1:2] != "~":
                reader.finish()  # a comment ends the message before it
                continue
            line = line[2:].lstrip()
            if not line:
                continue
            if line[0] != '"':
                reader.keyword(line, obsolete=True)
                continue
        if line[0] == '"':
            if reader.current is None:
                raise ValueError(f"{path}: a string outside msgid, msgstr or msgctxt: {line!r}")
            reader.current.append(line)
        else:
            reader.keyword(line, obsolete=False)
    reader.finish()
    return {msgid: string for msgid, string, _ in reader.found.values()}


@cache
def catalogue(lang: Lang) -> dict[str, Any]:
    """All messages of a language: key to text (or to a tuple of singular and plural).

    Every ``.po`` file of the language is read when a message is first needed (a few
    milliseconds, :func:`read_po_messages`), from the source folder: an edited file shows in
    the next run, with no compile step and no cache to go stale.

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
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        messages.update(read_po_messages(po))
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


#: decimal sign and thousands separator, as CLDR gives them to Babel for each language
_SEPARATORS: dict[str, tuple[str, str]] = {"de": (",", "."), "en": (".", ",")}
#: the months of a long date (CLDR's wide format names, as Babel writes them)
_MONTHS: dict[str, tuple[str, ...]] = {
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def format_number(value: float, lang: Lang, digits: int | None = None) -> str:
    """A number as the language writes it (``0,412`` in German, ``1.234`` thousands).

    What Babel's ``format_decimal`` writes (the locale's ``#,##0.###``, or ``digits`` fixed
    decimals; halves to even), done here: Babel's number module and locale data cost more than
    the rest of an ``ikg info``. ``tests/test_startup.py`` compares the two.

    Examples
    --------
    >>> format_number(1234.5, "de"), format_number(0.4123, "en", 3), format_number(7, "de")
    ('1.234,5', '0.412', '7')
    """
    if lang not in _SEPARATORS:  # a language ikg does not speak: Babel knows it
        from babel.numbers import format_decimal

        fmt = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
        return str(format_decimal(value, format=fmt, locale=lang))
    import decimal

    low, high = (0, 3) if digits is None else (digits, digits)
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    number = number.scaleb(0)  # Babel's scaling: rounds to the context's precision
    negative = number.is_signed()
    number = abs(number).normalize()
    point, group = _SEPARATORS[lang]
    if number.is_infinite():
        whole = "∞"
    else:
        head, _, tail = f"{number.quantize(decimal.Decimal(10) ** -high):f}".partition(".")
        groups: list[str] = []
        while len(head) > 3:
            groups.insert(0, head[-3:])
            head = head[:-3]
        whole = group.join([head, *groups])
        tail = (tail or "0").ljust(low, "0")
        if high and not (low == 0 and int(tail) == 0):
            whole += point + tail[:low] + tail[low:].rstrip("0")
    return ("-" if negative else "") + whole


def format_date(value: dt.date | str | None, lang: Lang) -> str:
    """A date as the language writes it (``30. Juni 2015``); text that is not a date stays as it is.

    CLDR's long format, as Babel's ``format_date(..., format="long")`` writes it (``d. MMMM y``,
    ``MMMM d, y``), done here for the same reason as :func:`format_number`.

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
    if lang == "de":
        return f"{day.day}. {_MONTHS['de'][day.month - 1]} {day.year}"
    if lang == "en":
        return f"{_MONTHS['en'][day.month - 1]} {day.day}, {day.year}"
    from babel.dates import format_date as babel_date  # a language ikg does not speak

    return str(babel_date(day, format="long", locale=lang))


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
