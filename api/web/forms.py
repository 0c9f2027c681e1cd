"""Reading the workbench's forms: bodies under a cap, URL-encoded fields, and uploaded files.

The workbench reads its POST bodies itself, so that the size cap is checked while the body
arrives (``Content-Length`` first, then every chunk) and so that nothing beyond the standard
library is needed: URL-encoded forms with :func:`urllib.parse.parse_qsl`, ``multipart/form-data``
(a file upload) with the standard :mod:`email` parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

from fastapi import Request

__all__ = ["BodyTooLargeError", "FormData", "Upload", "read_body", "read_form"]


class BodyTooLargeError(Exception):
    """The request body is larger than the cap."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        super().__init__(f"body above {cap} bytes")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the file name the browser sent (no folders) and its bytes."""

    filename: str
    data: bytes


@dataclass
class FormData:
    """The fields of a form (the first value of each name) and its uploaded files."""

    fields: dict[str, str]
    files: dict[str, Upload]

    def get(self, name: str, default: str = "") -> str:
        """The field ``name``, or ``default``."""
        return self.fields.get(name, default)


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused with :class:`BodyTooLargeError` as soon as it passes ``cap`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLargeError(cap)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLargeError(cap)
        chunks.append(chunk)
    return b"".join(chunks)


def _base_name(name: str) -> str:
    """The last part of a file name a browser sent (some send a whole Windows path)."""
    return name.replace("\\", "/").rsplit("/", 1)[-1].strip()


async def read_form(request: Request, cap: int) -> FormData:
    """The form of a POST request (URL-encoded or ``multipart/form-data``), at most ``cap`` bytes.

    Parameters
    ----------
    request : Request
    cap : int
        Bytes the body may have.

    Returns
    -------
    FormData
        Empty when the body is of another type.

    Raises
    ------
    BodyTooLargeError
    """
    content_type = request.headers.get("content-type", "")
    body = await read_body(request, cap)
    media = content_type.split(";")[0].strip().lower()
    fields: dict[str, str] = {}
    files: dict[str, Upload] = {}
    if media == "application/x-www-form-urlencoded":
        for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
            fields.setdefault(key, value)
    elif media == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
        message = BytesParser(policy=HTTP).parsebytes(head + body)
        if message.is_multipart():
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
                filename = part.get_filename()
                if filename is not None:
                    if name not in files and _base_name(filename):
                        files[name] = Upload(_base_name(filename), data)
                else:
                    fields.setdefault(name, data.decode("utf-8", "replace"))
    return FormData(fields, files)
