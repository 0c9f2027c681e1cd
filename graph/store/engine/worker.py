"""The engine process: evaluates SPARQL from its owner, confined, one operation at a time.

Started by :mod:`ikg.graph.store.engine.process` as ``python -m ikg.graph.store.engine.worker``. Before it reads
any text it confines itself (:func:`ikg.graph.store.engine.sandbox.confine`: no sockets) and opens the
store: a read-only snapshot for queries, or the store itself for the one writer that applies
updates. Then it answers requests on stdin with frames on stdout (:mod:`.frames`) until stdin
closes. It never listens on a port.

Answers are serialised here, in the format the client asked for, and counted as they are written:
past ``max_rows`` rows or ``max_bytes`` bytes the operation ends with an error and nothing more is
sent (the owner also counts, and kills the process if it ever sends more).

SELECT answers in SPARQL JSON or XML are written by Oxigraph once, in that format, and passed on as
they are: rows are counted in the bytes (``<result>`` in XML, exact; the ``},{`` between two
solutions in JSON, an upper bound, as a literal may hold those characters too). Only when the JSON
count passes ``max_rows`` is the query run again and counted exactly, through TSV (one line per
row). CSV and TSV are written here, spreadsheet-safe, from the solutions.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections.abc import Callable
from typing import IO, Any, BinaryIO

import pyoxigraph as ox

from ikg.graph.cells import write_sparql_csv, write_sparql_tsv
from ikg.graph.namespaces import PREFIXES
from ikg.graph.store.engine import frames, sandbox

__all__ = ["main"]

_CSV = "text/csv"
_TSV = "text/tab-separated-values"
_CHUNK = 64 * 1024


class _CapError(Exception):
    """An answer passed a cap; ``code`` says which."""

    def __init__(self, code: str, limit: int) -> None:
        super().__init__(code)
        self.code = code
        self.limit = limit


class _Frames(io.RawIOBase, BinaryIO):
    """A binary stream that sends what is written as ``DATA`` frames and counts the bytes.

    A :class:`typing.BinaryIO` too, so that pyoxigraph's ``output`` and :class:`io.TextIOWrapper`
    accept it by type as they do at run time.
    """

    name = "<engine frames>"

    def __init__(self, out: IO[bytes], max_bytes: int) -> None:
        super().__init__()
        self._out = out
        self._buf = bytearray()
        self.size = 0
        self.max_bytes = max_bytes

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = len(data)
        self.size += n
        if self.size > self.max_bytes:
            raise _CapError("bytes", self.max_bytes)
        self._buf += data
        if len(self._buf) >= _CHUNK:
            self.flush()
        return n

    def flush(self) -> None:
        if self._buf:
            frames.write_frame(self._out, frames.DATA, bytes(self._buf))
            self._buf.clear()


class _Counted(io.RawIOBase, BinaryIO):
    """An in-memory binary stream that counts lines (rows of TSV) and bytes, and stops past the caps.

    ``max_rows=None``: bytes only (an answer whose rows are counted afterwards).
    """

    name = "<engine rows>"

    def __init__(self, max_rows: int | None, max_bytes: int) -> None:
        super().__init__()
        self.buf = bytearray()
        self.lines = 0
        self.max_rows = max_rows
        self.max_bytes = max_bytes

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buf += data
        if self.max_rows is not None:
            self.lines += bytes(data).count(b"\n")
            if self.lines - 1 > self.max_rows:  # the first line is the header
                raise _CapError("rows", self.max_rows)
        if len(self.buf) > self.max_bytes:
            raise _CapError("bytes", self.max_bytes)
        return len(data)


#: SELECT formats passed on as Oxigraph writes them: what marks a row, and whether its count is exact
_DIRECT = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, b"},{", False),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, b"<result>", True),
}


def _direct(result: ox.QuerySolutions, media: str, max_rows: int, out: _Frames) -> int | None:
    """Write SELECT results in ``media`` as Oxigraph serialises them; return the rows, or ``None``
    when they must be counted exactly first (a JSON answer whose upper bound passes ``max_rows``).

    Raises
    ------
    _CapError
        Past ``out.max_bytes`` bytes, or (XML, counted exactly) past ``max_rows`` rows.
    """
    fmt, mark, exact = _DIRECT[media]
    counted = _Counted(None, out.max_bytes)
    result.serialize(output=counted, format=fmt)
    body = counted.buf
    rows = body.count(mark) + (0 if exact or body.endswith(b"[]}}") else 1)
    if rows > max_rows:
        if exact:
            raise _CapError("rows", max_rows)
        return None
    view = memoryview(body)
    for start in range(0, len(body), _CHUNK):
        out.write(view[start : start + _CHUNK])
    return rows


def _graphs(iris: list[str] | None) -> list[ox.NamedNode] | None:
    return None if iris is None else [ox.NamedNode(i) for i in iris]


def _query(store: ox.Store, req: dict[str, Any], out: _Frames) -> dict[str, Any]:
    options: dict[str, Any] = {"base_iri": req.get("base_iri")}
    if req.get("default_graph") is not None or req.get("named_graphs") is not None:
        options["default_graph"] = _graphs(req.get("default_graph") or [])
        options["named_graphs"] = _graphs(req.get("named_graphs") or [])
    elif req.get("union", True):
        options["use_default_graph_as_union"] = True
    max_rows = int(req["max_rows"])
    result = store.query(req["text"], **options)
    if isinstance(result, ox.QuerySolutions) and req["results"] in _DIRECT:
        rows = _direct(result, req["results"], max_rows, out)
        if rows is not None:
            return {"form": "SELECT", "rows": rows, "media": req["results"]}
        result = store.query(req["text"], **options)  # counted exactly below (the TSV way)
    if isinstance(result, ox.QueryBoolean):
        media = req["results"]
        result.serialize(output=out, format=ox.QueryResultsFormat.from_media_type(media))
        return {"form": "ASK", "rows": 1, "media": media}
    if isinstance(result, ox.QuerySolutions):
        # TSV first: one line per row (newlines in literals are escaped), so rows are counted as
        # they are written, without Python objects per row; then the format asked for (CSV and
        # TSV spreadsheet-safe; JSON here only when its quick count passed the cap)
        counted = _Counted(max_rows, out.max_bytes)
        result.serialize(output=counted, format=ox.QueryResultsFormat.TSV)
        rows = max(0, counted.lines - 1)
        media = req["results"]
        solutions = ox.parse_query_results(bytes(counted.buf), format=ox.QueryResultsFormat.TSV)
        del counted
        if not isinstance(solutions, ox.QuerySolutions):  # TSV holds solutions only
            raise TypeError("the TSV results did not parse as solutions")
        if media in (_CSV, _TSV):
            text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
            names = [v.value for v in solutions.variables]
            width = range(len(names))
            table = ([s[i] for i in width] for s in solutions)
            (write_sparql_csv if media == _CSV else write_sparql_tsv)(text, names, table)
            text.flush()
            text.detach()
        else:
            solutions.serialize(output=out, format=ox.QueryResultsFormat.from_media_type(media))
        return {"form": "SELECT", "rows": rows, "media": media}
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > max_rows:
            raise _CapError("rows", max_rows)
    media = req["graph"]
    ox.serialize(triples, output=out, format=ox.RdfFormat.from_media_type(media), prefixes=PREFIXES)
    return {"form": "CONSTRUCT", "rows": len(triples), "media": media}


def _update(store: ox.Store, req: dict[str, Any]) -> dict[str, Any]:
    store.update(req["text"], base_iri=req.get("base_iri"))
    store.flush()
    return {}


def _snapshot(store: ox.Store, req: dict[str, Any]) -> dict[str, Any]:
    store.flush()
    store.backup(req["snapshot"])
    return {}


def _error(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, _CapError):
        return {"code": exc.code, "limit": exc.limit, "message": str(exc)}
    if isinstance(exc, SyntaxError):
        return {"code": "syntax", "message": str(exc)}
    if isinstance(exc, PermissionError) or "os error 13" in str(exc) or "name resolution" in str(exc):
        return {"code": "network", "message": str(exc)}
    return {"code": "engine", "message": str(exc)}


def _open(location: str, writable: bool) -> ox.Store:
    if location == ":memory:":
        return ox.Store()
    if not writable:
        return ox.Store.read_only(location)
    deadline = time.monotonic() + 30  # the previous holder of the store may still be letting go
    while True:
        try:
            return ox.Store(location)
        except OSError as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def serve(stdin: IO[bytes], stdout: IO[bytes], store: ox.Store) -> None:
    """Answer requests until the owner closes stdin.

    Parameters
    ----------
    stdin, stdout : binary stream
        The pipes to the owner: requests come in, frames go out.
    store : pyoxigraph.Store
        The opened store (a read-only snapshot, or the store itself for the writer).
    """
    handlers: dict[str, Callable[[ox.Store, dict[str, Any]], dict[str, Any]]] = {
        "update": _update,
        "snapshot": _snapshot,
    }
    while True:
        frame = frames.read_frame(stdin)
        if frame is None:
            return
        kind, payload = frame
        if kind != frames.REQUEST:
            frames.write_json(stdout, frames.ERROR, {"code": "protocol", "message": f"unexpected frame {kind!r}"})
            continue
        req = frames.read_json(payload)
        out = _Frames(stdout, int(req.get("max_bytes", 1 << 62)))
        try:
            op = req.get("op")
            if op == "query":
                done = _query(store, req, out)
            elif op in handlers:
                done = handlers[op](store, req)
            else:
                raise ValueError(f"unknown operation {op!r}")
            out.flush()
        except Exception as exc:  # every failure is reported to the owner; the process goes on
            frames.write_json(stdout, frames.ERROR, _error(exc))
            continue
        done["bytes"] = out.size
        frames.write_json(stdout, frames.DONE, done)


def main(argv: list[str] | None = None) -> int:
    """Confine this process, open the store, say hello, and serve the owner's requests."""
    parser = argparse.ArgumentParser(prog="python -m ikg.graph.store.engine.worker")
    parser.add_argument("--location", required=True, help="store directory, or :memory:")
    parser.add_argument("--writable", action="store_true", help="open the store for updates (the one writer)")
    parser.add_argument("--unconfined", action="store_true", help="do not confine (only for texts ikg wrote itself)")
    parser.add_argument("--nice", type=int, default=0, help="lower the CPU priority by this much")
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)  # before any thread starts, so the engine's threads inherit it
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    try:
        layer = "none" if args.unconfined else sandbox.confine()
    except sandbox.SandboxUnavailableError as exc:
        frames.write_json(stdout, frames.HELLO, {"ok": False, "code": "sandbox", "message": str(exc)})
        return 3
    try:
        store = _open(args.location, args.writable)
    except OSError as exc:
        frames.write_json(stdout, frames.HELLO, {"ok": False, "code": "store", "message": str(exc)})
        return 4
    frames.write_json(stdout, frames.HELLO, {"ok": True, "sandbox": layer, "pid": os.getpid()})
    serve(stdin, stdout, store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
