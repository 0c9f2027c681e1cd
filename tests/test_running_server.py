"""While ``ikg serve`` holds the store, the other ``ikg`` commands go through it (issue 14).

A real ``ikg serve`` runs in a process of its own on 127.0.0.1; ``ikg info``, ``ikg gaps`` and
``ikg import`` run from a second process against the same store folder, as a user in a second
terminal would, and must answer at once (under 5 s each), not wait for the store's lock.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ikg.graph.store.running import announce, find_server, server_file
from tests.conftest import write_csv_set
from tests.servers import free_port

IKG = str(Path(sys.executable).with_name("ikg"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    """``ikg serve`` on a store of its own; yields the environment of its store and the folder."""
    tmp = tmp_path_factory.mktemp("served")
    env = {**os.environ, "IKG_STORE": str(tmp / "store"), "IKG_LANG": "en", "IKG_LOCK_WAIT": "60"}
    env.pop("IKG_WRITE_TOKEN", None)
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([IKG, "serve", "--port", str(free_port())], stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while "/docs" not in (tmp / "serve.log").read_text():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError((tmp / "serve.log").read_text())
        time.sleep(0.1)
    try:
        yield env, tmp
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    assert not server_file(tmp / "store").exists(), "the announcement outlived its server"


def _timed(env: dict[str, str], *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    done = subprocess.run([IKG, *args], capture_output=True, text=True, env=env, timeout=60)
    return done, time.monotonic() - started


def test_the_server_announces_itself_to_its_owner_only(served: tuple[dict[str, str], Path]) -> None:
    _env, tmp = served
    path = server_file(tmp / "store")
    assert path.stat().st_mode & 0o777 == 0o600
    data = json.loads(path.read_text())
    assert data["url"].startswith("http://127.0.0.1:") and data["url"].endswith("/sparql")
    assert len(data["token"]) >= 40


def test_info_gaps_and_an_import_go_through_the_running_server_at_once(
    served: tuple[dict[str, str], Path],
) -> None:
    env, tmp = served
    _timed(env, "concepts")  # once untimed: a fresh checkout compiles its modules on first use
    info, seconds = _timed(env, "info")
    print(f"info {seconds:.2f} s")
    assert info.returncode == 0, info.stderr
    assert seconds < 5, seconds
    assert "mettmann-2015" in info.stdout and "goes through it" in info.stderr

    gaps, seconds = _timed(env, "gaps", "--concept", "beispielkreis-2024", "--top", "2")
    print(f"gaps {seconds:.2f} s")
    assert gaps.returncode == 0, gaps.stderr
    assert seconds < 5, seconds
    assert "Missing links" in gaps.stdout or "missing" in gaps.stdout.lower()

    folder = write_csv_set(tmp / "klein")
    imported, seconds = _timed(env, "import", str(folder))
    print(f"import {seconds:.2f} s")
    assert imported.returncode == 0, imported.stderr
    assert seconds < 5, seconds
    assert "kleinstadt-2020" in imported.stdout

    again, _ = _timed(env, "concepts")
    assert "kleinstadt-2020" in again.stdout  # written through the server, read back through it


def test_a_second_server_on_the_same_store_is_refused_with_the_first_ones_url(
    served: tuple[dict[str, str], Path],
) -> None:
    env, tmp = served
    second, seconds = _timed(env, "serve", "--port", str(free_port()))
    assert second.returncode == 1
    assert seconds < 5
    url = json.loads(server_file(tmp / "store").read_text())["url"]
    assert url in second.stderr and "already served" in second.stderr


def test_an_announcement_of_a_process_that_is_gone_is_removed(tmp_path: Path) -> None:
    store = tmp_path / "store"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    server_file(store).write_text(json.dumps({"url": "http://127.0.0.1:1/sparql", "token": "x" * 43, "pid": gone.pid}))
    server_file(store).chmod(0o600)
    assert find_server(store) is None
    assert not server_file(store).exists()


def test_an_announcement_others_may_read_is_not_trusted(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        url = f"http://127.0.0.1:{listening.getsockname()[1]}/sparql"
        with announce(store, url) as server:
            assert find_server(store) == server
            server_file(store).chmod(0o644)
            assert find_server(store) is None
    assert not server_file(store).exists()


def test_an_announced_server_is_waited_for_until_it_listens(tmp_path: Path) -> None:
    """A server announces itself before it listens: a command started in between waits for it,
    and gives up on one that never listens."""
    store = tmp_path / "store"
    port = free_port()
    with announce(store, f"http://127.0.0.1:{port}/sparql") as server:
        started = time.monotonic()
        assert find_server(store, wait=0.5) is None  # nobody listens: not used
        assert 0.4 < time.monotonic() - started < 5
        with socket.socket() as late:

            def listen_later() -> None:
                time.sleep(0.5)
                late.bind(("127.0.0.1", port))
                late.listen()

            thread = threading.Thread(target=listen_later)
            thread.start()
            assert find_server(store, wait=10) == server
            thread.join()


def test_liveness_is_never_asked_by_a_signal_where_that_would_end_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows ``os.kill(pid, 0)`` ends the process: there no process is taken for gone (a stale
    announcement or temporary folder stays), and no signal is sent; on POSIX signal 0 only asks."""
    import subprocess
    import sys

    from ikg.graph.store import running

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    assert running.alive(os.getpid()) and not running.alive(dead)
    sent: list[int] = []
    monkeypatch.setattr(running.os, "kill", lambda pid, sig: sent.append(pid))
    monkeypatch.setattr(running, "_SIGNAL_0_ASKS", False)  # as on Windows
    assert running.alive(dead) and running.alive(os.getpid())
    assert sent == []
