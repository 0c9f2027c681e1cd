"""The wire format between the engine process and its owner: typed, length-prefixed frames on pipes.

A frame is one type byte, a 4-byte big-endian length and that many bytes. The owner sends one
``REQUEST`` (JSON) per operation; the engine answers with ``DATA`` frames (the serialised answer,
in pieces) and ends with exactly one ``DONE`` or ``ERROR`` (JSON). At start the engine sends one
``HELLO`` (JSON: what confines it) before it reads anything.

Examples
--------
>>> import io
>>> buf = io.BytesIO()
>>> write_frame(buf, DATA, b"abc"); write_json(buf, DONE, {"rows": 1})
>>> _ = buf.seek(0)
>>> read_frame(buf), read_frame(buf)
((b'D', b'abc'), (b'K', b'{"rows": 1}'))
>>> read_frame(buf) is None
True
"""

from __future__ import annotations

import json
import struct
from typing import IO, Any

__all__ = ["DATA", "DONE", "ERROR", "HELLO", "REQUEST", "read_frame", "read_json", "write_frame", "write_json"]

HELLO = b"H"
REQUEST = b"Q"
DATA = b"D"
DONE = b"K"
ERROR = b"E"

_HEAD = struct.Struct(">cI")
#: a request (query text and parameters) is never larger than this
MAX_REQUEST = 256 * 1024 * 1024


def write_frame(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    """Write one frame and flush it."""
    stream.write(_HEAD.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def write_json(stream: IO[bytes], kind: bytes, value: Any) -> None:
    """Write one frame holding ``value`` as JSON."""
    write_frame(stream, kind, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _read_exactly(stream: IO[bytes], n: int) -> bytes | None:
    parts: list[bytes] = []
    while n:
        part = stream.read(n)
        if not part:
            return None
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def read_frame(stream: IO[bytes], limit: int = MAX_REQUEST) -> tuple[bytes, bytes] | None:
    """Read one frame; ``None`` at the end of the stream (the other side is gone).

    Raises
    ------
    ValueError
        If the frame announces more than ``limit`` bytes.
    """
    head = _read_exactly(stream, _HEAD.size)
    if head is None:
        return None
    kind, size = _HEAD.unpack(head)
    if size > limit:
        raise ValueError(f"frame of {size} bytes above the limit of {limit}")
    payload = _read_exactly(stream, size) if size else b""
    if payload is None:
        return None
    return kind, payload


def read_json(payload: bytes) -> Any:
    """Decode a JSON frame's payload."""
    return json.loads(payload.decode("utf-8"))
