"""Faults around the store: concurrent imports, a full disk, a read-only store. Nothing is lost.

Each test runs the real ``ikg`` command in subprocesses on an on-disk store. A full disk is
simulated with ``RLIMIT_FSIZE`` (writes past the limit fail with ``EFBIG``, as they would with
``ENOSPC``); a read-only store by ``chmod`` (as root, ``ikg`` runs under ``setpriv`` without the
capabilities that let root ignore permission bits).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # bench/ is not installed
from bench.generate import build, write_csv  # noqa: E402

IKG = Path(sys.executable).with_name("ikg")


def _ikg(store: Path, *args: str, preexec: Callable[[], None] | None = None, **env: str) -> subprocess.Popen[str]:
    """Start ``ikg --no-seed ARGS`` on ``store`` (``preexec`` runs in the child before it starts)."""
    return subprocess.Popen(
        [str(IKG), "--no-seed", *args],
        env={**os.environ, "IKG_STORE": str(store), "IKG_LANG": "en", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,  # a resource limit or another user for this child only
    )


def _run(store: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    proc = _ikg(store, *args, **env)
    out, err = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _concepts(store: Path) -> list[str]:
    out = _run(store, "concepts")
    assert out.returncode == 0, out.stderr
    return sorted(line.split()[0] for line in out.stdout.splitlines()[2:] if line.strip())


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,000-actor concept as CSV: big enough that its import takes a few seconds."""
    folder = tmp_path_factory.mktemp("synthetic") / "csv"
    write_csv(build(2000, 7), folder)
    return folder


METTMANN = REPO / "data" / "mettmann-2015"


_HOLDER = """
import sys
from ikg.graph.ingest.importer import import_spreadsheet
from ikg.graph.store.embedded import Store

store = Store(sys.argv[1])  # holds the store's lock from here
print("held", flush=True)
sys.stdin.readline()  # until the test has seen the second import wait
import_spreadsheet(store, sys.argv[2])
store.close()
"""


def test_concurrent_imports_run_one_after_the_other(tmp_path: Path, synthetic: Path) -> None:
    # The first import holds the store until the second has said that it waits: no race with the
    # machine's speed (with a sleep instead, a first import done within the sleep failed the test).
    store = tmp_path / "store"
    first = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(store), str(synthetic)],
        env={**os.environ, "IKG_LANG": "en"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first.stdout is not None and first.stdin is not None
    assert first.stdout.readline().strip() == "held"
    second = _ikg(store, "import", str(METTMANN))
    assert second.stderr is not None
    waiting = second.stderr.readline()  # the second blocks in its retries after saying this
    assert "in use by another ikg process; waiting" in waiting
    first.stdin.write("go\n")
    first.stdin.flush()
    _, err1 = first.communicate(timeout=300)
    _, err2 = second.communicate(timeout=300)
    assert first.returncode == 0, err1
    assert second.returncode == 0, waiting + err2
    assert _concepts(store) == ["mettmann-2015", "synthetic-2000"]


def _file_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_fails_the_import_clearly_and_keeps_the_old_data(tmp_path: Path, synthetic: Path) -> None:
    store = tmp_path / "store"
    assert _run(store, "import", str(METTMANN)).returncode == 0
    before = _run(store, "export", "--format", "nquads").stdout
    proc = _ikg(store, "import", str(synthetic), preexec=_file_limit(1_000_000))
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 1, (out, err)
    last = err.strip().splitlines()[-1]
    assert "disk full" in last and "nothing was written" in last, err
    assert "Traceback" not in err
    assert _concepts(store) == ["mettmann-2015"]
    assert _run(store, "export", "--format", "nquads").stdout == before


def _without_root_powers() -> list[str]:
    """A command prefix under which root obeys permission bits (``setpriv`` drops the capabilities)."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_store_gives_a_clear_error(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert _run(store, "import", str(METTMANN)).returncode == 0
    for p in [store, *store.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        proc = subprocess.run(
            [*_without_root_powers(), str(IKG), "--no-seed", "import", str(REPO / "data" / "beispielkreis")],
            env={**os.environ, "IKG_STORE": str(store), "IKG_LANG": "en", "IKG_LOCK_WAIT": "0"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        out, err = proc.stdout, proc.stderr
    finally:
        for p in [store, *store.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
    assert proc.returncode == 1, (out, err)
    assert "not writable" in err, err
    assert "Traceback" not in err
    assert _concepts(store) == ["mettmann-2015"]


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found.update(children)
            todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_kill_9_of_the_server_takes_its_query_workers_along(tmp_path: Path) -> None:
    import httpx

    from .servers import free_port

    store = tmp_path / "store"
    assert _run(store, "import", str(METTMANN)).returncode == 0
    port = free_port()
    server = _ikg(store, "serve", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # a query starts a worker
            try:
                if httpx.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "ikg serve did not answer"
            time.sleep(0.2)
        workers = {
            p
            for p in _descendants(server.pid)
            if "ikg.graph.store.engine.worker" in Path(f"/proc/{p}/cmdline").read_text()
        }
        assert workers, "no query worker was started"
    finally:
        server.kill()  # SIGKILL: no handler of ours runs
        server.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), "query workers outlived the server"
