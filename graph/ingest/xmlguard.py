"""Checking XML before any parser sees it: its encoding, and whether it declares entities.

Entity declarations turn a few bytes into gigabytes (the "billion laughs") or pull in files of
the machine; no workbook part and no RDF/XML file ikg needs has a DOCTYPE. The check finds the
encoding the way XML 1.0 (Appendix F) says a parser does: from a byte order mark, else from the
first bytes of ``<?xml`` or ``<``, then from the encoding declaration; it decodes the document as
the parser would and walks its prolog. A document whose encoding cannot be determined or decoded
is refused as well: a parser might read it differently from this check.
"""

from __future__ import annotations

import codecs
import enum
import itertools
import re
from collections.abc import Iterator
from typing import Protocol

__all__ = ["XmlVerdict", "detect_encoding", "scan_xml"]

#: bytes read at a time
CHUNK = 65536
#: bytes read first, to find the encoding declaration (far longer than any real one)
_PROBE = 16384


class Readable(Protocol):
    """A binary stream: a file opened with ``"rb"``, a zip member, :class:`io.BytesIO`."""

    def read(self, size: int = -1, /) -> bytes: ...


class XmlVerdict(enum.StrEnum):
    """What :func:`scan_xml` found."""

    #: no DOCTYPE or entity declaration; the encoding is known and decodes
    SAFE = "safe"
    #: a DOCTYPE or entity declaration (or anything else starting with ``<!`` in the prolog)
    ENTITIES = "entities"
    #: the encoding cannot be determined, is not one the check reads, or does not decode
    UNDECODABLE = "undecodable"


# Appendix F, with a byte order mark; the four-byte marks first (FF FE 00 00 is UTF-32, not UTF-16).
_BOMS: tuple[tuple[bytes, str | None], ...] = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (b"\x00\x00\xff\xfe", None),  # UCS-4, unusual octet order 2143
    (b"\xfe\xff\x00\x00", None),  # UCS-4, unusual octet order 3412
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# Appendix F, without a byte order mark: the first bytes of "<?xml" or "<".
_STARTS: tuple[tuple[bytes, str | None], ...] = (
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x3c\x00", None),  # UCS-4 2143
    (b"\x00\x3c\x00\x00", None),  # UCS-4 3412
    (b"\x4c\x6f\xa7\x94", None),  # EBCDIC
    (b"\x00\x3c", "utf-16-be"),
    (b"\x3c\x00", "utf-16-le"),
)
# Encodings in which every ASCII byte is that ASCII character and nothing else: read as Latin-1,
# the markup (``<``, ``!``, ``?``, ``-``, ``>``) is where a parser sees it.
_SINGLE_BYTE = re.compile(r"ascii|iso8859-\d+|cp125\d")
_DECLARATION = re.compile(r"<\?xml[ \t\r\n]")
_ENCODING = re.compile(r"""[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(["'])([A-Za-z][A-Za-z0-9._-]*)\1""")
_SPACE = re.compile(r"[ \t\r\n]*")
_MARKER = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# The old byte check, kept for whole documents: Oxigraph reads every RDF/XML file as UTF-8,
# whatever it declares, so the raw bytes are what it sees.
_RAW = tuple(
    w.encode(e)
    for e in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    for w in ("<!DOCTYPE", "<!ENTITY")
)
_RAW_KEEP = max(map(len, _RAW)) - 1


def detect_encoding(head: bytes) -> tuple[str, int] | None:
    """Return the encoding family of an XML document from its first bytes (XML 1.0, Appendix F).

    Parameters
    ----------
    head : bytes
        The first bytes of the document (at least four, unless it is shorter).

    Returns
    -------
    (str, int) or None
        The Python codec and the length of the byte order mark; ``"utf-8"`` with 0 stands for
        any ASCII-compatible encoding, to be named by the encoding declaration. ``None`` when the
        encoding is one the check does not read (UCS-4 in unusual octet orders, EBCDIC) or the
        first bytes hold a NUL outside those patterns.

    Examples
    --------
    >>> detect_encoding(codecs.BOM_UTF16_LE + "<a/>".encode("utf-16-le"))
    ('utf-16-le', 2)
    >>> detect_encoding("<a/>".encode("utf-32-be")), detect_encoding(b"<?xml version='1.0'?>")
    (('utf-32-be', 0), ('utf-8', 0))
    >>> detect_encoding("<?xml".encode("cp037")) is None
    True
    """
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return None if codec is None else (codec, len(bom))
    for start, codec in _STARTS:
        if head.startswith(start):
            return None if codec is None else (codec, 0)
    if b"\x00" in head[:4]:
        return None
    return "utf-8", 0


def _codec(head: bytes, codec: str, bom: int) -> str | None:
    """The codec to decode with, given what the encoding declaration (if any) says."""
    probe = head[bom:]
    try:  # the declaration is ASCII in any encoding: decode it leniently just to read it
        text = probe.decode(codec, errors="replace")
    except LookupError:  # pragma: no cover - the codecs above all exist
        return None
    if not _DECLARATION.match(text):
        return codec
    end = text.find("?>")
    if end < 0:
        return None  # a declaration longer than any real one, or cut off
    found = _ENCODING.search(text, 0, end)
    if found is None:
        return codec
    try:
        declared = codecs.lookup(found.group(2)).name
    except LookupError:
        return None
    if codec.startswith(("utf-16", "utf-32")):
        return codec if declared in (codec, codec[:6]) else None
    if declared == "utf-8":
        return codec
    if bom == 0 and _SINGLE_BYTE.fullmatch(declared):
        return "latin-1"
    return None


class _Prolog:
    """Walk the prolog (white space, processing instructions, comments) up to the root element."""

    MORE, ROOT, END, ENTITIES, BAD = "more", "root", "end", "entities", "bad"

    def __init__(self) -> None:
        self.rest = ""
        self.until: str | None = None  # the end of the comment or instruction being skipped

    def feed(self, text: str, eof: bool) -> str:
        buf, pos = self.rest + text, 0
        while True:
            if self.until is not None:
                end = buf.find(self.until, pos)
                if end < 0:  # keep only what could start the terminator: a long comment costs nothing
                    self.rest = buf[max(pos, len(buf) - len(self.until) + 1) :]
                    return self.BAD if eof else self.MORE
                pos, self.until = end + len(self.until), None
            pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]  # matches the empty string
            ahead = buf[pos : pos + 4]
            if not ahead:
                self.rest = ""
                return self.END if eof else self.MORE
            if ahead[0] != "<":
                return self.BAD  # text before the root element: not XML, or not decoded as the parser would
            if ahead.startswith("<?"):
                pos, self.until = pos + 2, "?>"
            elif ahead == "<!--":
                pos, self.until = pos + 4, "-->"
            elif len(ahead) < 4 and "<!--".startswith(ahead):  # "<", "<!", "<!-": wait for more
                self.rest = buf[pos:]
                return self.BAD if eof else self.MORE
            elif ahead.startswith("<!"):
                return self.ENTITIES  # <!DOCTYPE, <!ENTITY, in any case; nothing else may stand here
            else:
                return self.ROOT


def _read(stream: Readable, size: int) -> bytes:
    """Read ``size`` bytes, or fewer at the end (a stream may return less than asked for)."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _chunks(first: bytes, stream: Readable, size: int) -> Iterator[bytes]:
    """The bytes already read, then the rest of the stream, ``size`` bytes at a time."""
    for i in range(0, len(first), size):
        yield first[i : i + size]
    while part := stream.read(size):
        yield part


def scan_xml(stream: Readable, *, whole: bool = False, chunk_size: int = CHUNK) -> XmlVerdict:
    """Check an XML document for a DOCTYPE or entity declarations, in whatever Unicode encoding.

    Parameters
    ----------
    stream : binary stream
        The document, read from its start in chunks; it is never held whole.
    whole : bool
        Check the whole document, not only its prolog. A conforming parser (expat, which openpyxl
        uses) reads declarations only in the prolog, so for workbook parts the check stops at the
        root element; Oxigraph's RDF/XML parser also takes a DOCTYPE after it, so RDF/XML is
        checked whole (decoded, and as raw bytes in UTF-8, UTF-16 and UTF-32).
    chunk_size : int
        Bytes decoded at a time (the first 16 KiB are read at once to find the declaration).

    Returns
    -------
    XmlVerdict
        ``ENTITIES`` for any ``<!`` other than a comment in the prolog (or, with ``whole``, a
        ``<!DOCTYPE``/``<!ENTITY`` anywhere); ``UNDECODABLE`` when the encoding cannot be
        determined (EBCDIC, UCS-4 in unusual octet orders, an encoding other than UTF-8, UTF-16,
        UTF-32, ASCII, ISO-8859-* or Windows-125*), contradicts the byte order mark or the first
        bytes, or does not decode, or when the prolog holds something a parser would not read
        (text, an unterminated comment); else ``SAFE``. An empty document is ``SAFE``.

    Examples
    --------
    >>> import io
    >>> doc = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>'
    >>> scan_xml(io.BytesIO(doc.encode("utf-16-be"))).value
    'entities'
    >>> scan_xml(io.BytesIO("<!-- <a --><r/>".encode("utf-32"))).value
    'safe'
    >>> scan_xml(io.BytesIO(b'<?xml version="1.0" encoding="Shift_JIS"?><r/>')).value
    'undecodable'
    """
    head = _read(stream, _PROBE)
    if not head:
        return XmlVerdict.SAFE
    found = detect_encoding(head)
    if found is None:
        return XmlVerdict.UNDECODABLE
    codec = _codec(head, *found)
    if codec is None:
        return XmlVerdict.UNDECODABLE
    decoder = codecs.getincrementaldecoder(codec)("strict")
    prolog: _Prolog | None = _Prolog()
    raw_tail, text_tail = b"", ""
    for data in itertools.chain(_chunks(head[found[1] :], stream, max(chunk_size, 1)), [b""]):  # b"": the end
        eof = not data
        try:
            text = decoder.decode(data, final=eof)
        except UnicodeDecodeError:
            return XmlVerdict.UNDECODABLE
        if whole:
            window = raw_tail + data
            if any(marker in window for marker in _RAW):
                return XmlVerdict.ENTITIES
            raw_tail = window[-_RAW_KEEP:]
            seen = text_tail + text
            if _MARKER.search(seen):
                return XmlVerdict.ENTITIES
            text_tail = seen[-8:]
        if prolog is not None:
            state = prolog.feed(text, eof)
            if state == _Prolog.ENTITIES:
                return XmlVerdict.ENTITIES
            if state == _Prolog.BAD:
                return XmlVerdict.UNDECODABLE
            if state == _Prolog.ROOT:
                if not whole:
                    return XmlVerdict.SAFE
                prolog = None
    return XmlVerdict.SAFE
