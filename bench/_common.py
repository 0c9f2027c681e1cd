"""Helpers shared by the benchmark scripts: logging, machine and tree details, RESULTS.md sections,
data generation, and measuring a child process (wall time, peak RSS, time limit).

Import it as ``from bench._common import ...`` (the tests, ``python -m``) or ``from _common import
...`` (a script run as ``python bench/NAME.py``, where ``bench/`` is ``sys.path[0]``).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
#: the top-level title of RESULTS.md
TITLE = "# Benchmark results"
#: packages whose versions the machine line names unless told otherwise
PACKAGES = ("pyoxigraph", "rdflib", "networkx", "igraph", "scipy", "numpy")


def log(msg: str) -> None:
    """Print ``[HH:MM:SS] msg`` to stderr at once (progress of a long run)."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    """Peak resident set size of this process so far, MB (``ru_maxrss``)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def version(pkg: str) -> str:
    """Installed version of a distribution, ``?`` when it is not installed."""
    try:
        return md.version(pkg)
    except md.PackageNotFoundError:
        return "?"


def ram_gib() -> float | None:
    """Total RAM from ``/proc/meminfo``, GiB (``None`` when unknown)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def machine(packages: Sequence[str] = PACKAGES) -> str:
    """One line: CPUs, RAM, Python, the versions of ``packages``, OS and the time (UTC).

    Parameters
    ----------
    packages : sequence of str
        Distribution names whose versions are listed.

    Returns
    -------
    str
    """
    ram = ram_gib()
    mem = f"{ram:.1f} GiB" if ram is not None else "?"
    pkgs = ", ".join(f"{p} {version(p)}" for p in packages)
    return (
        f"{os.cpu_count()} CPUs (nproc), {mem} RAM, Python {platform.python_version()}, {pkgs}, "
        f"{platform.system()} {platform.machine()}; {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; "
        f"CPU check {cpu_check():.2f} s"
    )


def cpu_check(loops: int = 5_000_000) -> float:
    """Seconds one core takes for ``loops`` additions in a Python loop (the best of three).

    The development machine is a virtual one whose speed changes over a day by a third and more;
    this figure, in every section's machine line, says how fast it was when a section was
    measured, so that sections measured at different times can be compared.

    Returns
    -------
    float
    """
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(loops):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def git_tree(paths: Sequence[str] = ("queries", "graph", "api", "ontology", "viz")) -> str:
    """The commit of the project tree, and which of ``paths`` differ from it.

    Returns
    -------
    str
        ``\\`abc1234 subject\\` (as committed)`` or ``... (modified: graph/x.py, ...)``; ``?`` without git.
    """
    git = shutil.which("git")
    if git is None:
        return "?"
    try:
        head = subprocess.run(
            [git, "-C", str(REPO), "log", "-1", "--format=%h %s"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        status = subprocess.run(
            [git, "-C", str(REPO), "status", "--porcelain", "--", *paths],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "?"
    changed = [line[3:] for line in status if line.strip()]
    where = "/, ".join(paths) + "/"
    return f"`{head}`" + (f" (modified: {', '.join(changed)})" if changed else f" ({where} as committed)")


def git_commit() -> str:
    """The short hash of HEAD, with ``+changes`` when the working tree differs (``?`` without git)."""
    git = shutil.which("git")
    if git is None:
        return "?"
    try:
        head = subprocess.run(
            [git, "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            [git, "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return head + (" + uncommitted changes" if dirty else "")


def write_results(path: Path, heading: str, section: str, *, first: bool = False, drop: Sequence[str] = ()) -> None:
    """Replace the ``heading`` section of a Markdown file (or add it), keeping every other section.

    A section runs from its ``## `` heading line to the next ``## `` heading or the end. The file
    is re-read right before writing and replaced atomically.

    Parameters
    ----------
    path : Path
        The results file (created with the title ``# Benchmark results`` when missing).
    heading : str
        The section's heading line, e.g. ``"## Import"``.
    section : str
        The new section, starting with ``heading``.
    first : bool
        Put a new section before all others (after the title) instead of at the end.
    drop : sequence of str
        Headings of sections to remove (sections this one replaces).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "R.md"
    >>> write_results(p, "## B", "## B\\n\\nb\\n")
    >>> write_results(p, "## A", "## A\\n\\na\\n", first=True)
    >>> write_results(p, "## B", "## B\\n\\nb2\\n")
    >>> print(p.read_text(), end="")
    # Benchmark results
    <BLANKLINE>
    ## A
    <BLANKLINE>
    a
    <BLANKLINE>
    ## B
    <BLANKLINE>
    b2
    """
    text = path.read_text(encoding="utf-8") if path.exists() else TITLE + "\n"
    for old in drop:
        text = _cut(text, old)[0]
    text, at = _cut(text, heading)
    section = section.rstrip("\n") + "\n"
    if at is None:
        if first:
            nxt = text.find("\n## ")
            at = nxt + 1 if nxt != -1 else len(text)
        else:
            at = len(text)
    head, tail = text[:at].rstrip("\n"), text[at:].lstrip("\n")
    new = head + "\n\n" + section + ("\n" + tail if tail else "")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)


def order_sections(path: Path, headings: Sequence[str]) -> None:
    """Put the ``## `` sections of a Markdown file in the order of ``headings``; others follow as they were.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "R.md"
    >>> _ = p.write_text("# T\\n\\n## B\\n\\nb\\n\\n## X\\n\\nx\\n\\n## A\\n\\na\\n")
    >>> order_sections(p, ["## A", "## B"])
    >>> [line for line in p.read_text().splitlines() if line.startswith("#")]
    ['# T', '## A', '## B', '## X']
    """
    text = path.read_text(encoding="utf-8")
    first = text.find("\n## ")
    if first == -1:
        return
    head, rest = text[: first + 1], text[first + 1 :]
    sections: list[tuple[str, str]] = []
    for chunk in ("\n" + rest).split("\n## ")[1:]:
        title = "## " + chunk.split("\n", 1)[0].rstrip()
        sections.append((title, ("## " + chunk).strip("\n") + "\n"))
    rank = {h: i for i, h in enumerate(headings)}
    sections.sort(key=lambda s: rank.get(s[0], len(rank)))  # stable: the others keep their order
    new = head.rstrip("\n") + "\n\n" + "\n".join(s for _, s in sections)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)


def _cut(text: str, heading: str) -> tuple[str, int | None]:
    """``text`` without the section under ``heading``, and where it was (``None``: not there)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.rstrip() == heading:
            j = i + 1
            while j < len(lines) and not lines[j].startswith("## "):
                j += 1
            at = len("\n".join(lines[:i])) + (1 if i else 0)
            return "\n".join(lines[:i] + lines[j:]), at
    return text, None


def secs(s: float | None) -> str:
    """Seconds for a table: ``1.2 h``, ``123 s``, ``12.3 s``, ``1.23 s``, ``123 ms``, ``1.2 ms``; ``–`` for None."""
    if s is None:
        return "–"
    if s >= 3600:
        return f"{s / 3600:.1f} h"
    if s >= 100:
        return f"{s:,.0f} s"
    if s >= 10:
        return f"{s:.1f} s"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1000:.0f} ms" if s >= 0.01 else f"{s * 1000:.1f} ms"


def data_dir(actors: int) -> Path:
    """The cache folder of the synthetic concept with ``actors`` actors: ``/tmp/ikg-bench-N``."""
    return Path(f"/tmp/ikg-bench-{actors}")


def ensure_data(actors: int, formats: Sequence[str] = ("ttl",), timeout: float = 3600) -> Path:
    """Return ``/tmp/ikg-bench-N``, generating the missing files of ``formats`` with ``bench/generate.py``.

    Parameters
    ----------
    actors : int
    formats : sequence of str
        Any of ``csv``, ``xlsx``, ``ttl`` (``concept.ttl`` maps the CSVs with pySHACL validation,
        which does not scale to 100,000 actors: ``bench/gaps_bench.py`` has its own route there).
    timeout : float
        Seconds generate.py may take.

    Raises
    ------
    SystemExit
        When generate.py fails.
    """
    out = data_dir(actors)
    files = {"csv": out / "csv", "xlsx": out / "concept.xlsx", "ttl": out / "concept.ttl"}
    missing = [
        f for f in formats if not (files[f].is_dir() if f == "csv" else files[f].is_file() and files[f].stat().st_size)
    ]
    if not missing:
        log(f"reusing {out} ({', '.join(formats)})")
        return out
    log(f"generating {out} (bench/generate.py --actors {actors} --formats {','.join(missing)})")
    cmd = [
        sys.executable,
        str(BENCH_DIR / "generate.py"),
        "--actors",
        str(actors),
        "--out",
        str(out),
        "--formats",
        ",".join(missing),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        sys.exit(f"bench/generate.py failed:\n{proc.stdout}\n{proc.stderr}")
    return out


def run_measured(
    cmd: Sequence[str], limit: float, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> dict[str, Any]:
    """Run a command in its own process group; wall time and its peak RSS, killed past ``limit``.

    The peak RSS is the child's own ``ru_maxrss`` from ``wait4`` (its children, if any, are not
    counted).

    Parameters
    ----------
    cmd : sequence of str
    limit : float
        Seconds before the process group is killed.
    env, cwd
        As for :class:`subprocess.Popen`.

    Returns
    -------
    dict
        ``status`` (``ok``, ``failed`` for a non-zero exit, ``timeout``), ``wall`` (s), ``rss``
        (MB, ``None`` after a timeout), ``returncode``, ``stdout``, ``stderr`` (text).
    """
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=env,
        cwd=cwd,
    )
    out: dict[str, Any] = {}
    t0 = time.perf_counter()

    def reap() -> None:
        _, status, usage = os.wait4(proc.pid, 0)
        out["wall"] = time.perf_counter() - t0
        out["status_word"] = status
        out["rss"] = usage.ru_maxrss / 1024

    streams: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        streams[name] = stream.read()

    readers = [
        threading.Thread(target=drain, args=("stdout", proc.stdout), daemon=True),
        threading.Thread(target=drain, args=("stderr", proc.stderr), daemon=True),
    ]
    waiter = threading.Thread(target=reap, daemon=True)
    for t in (*readers, waiter):
        t.start()
    waiter.join(limit)
    timed_out = waiter.is_alive()
    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        waiter.join(60)
    for t in readers:
        t.join(10)
    code = os.waitstatus_to_exitcode(out["status_word"]) if "status_word" in out else -9
    proc.returncode = code  # reaped by wait4 above; keep Popen from waiting again
    status = "timeout" if timed_out else ("ok" if code == 0 else "failed")
    return {
        "status": status,
        "wall": limit if timed_out else out["wall"],
        "rss": None if timed_out else out["rss"],
        "returncode": code,
        "stdout": streams.get("stdout", b"").decode("utf-8", "replace"),
        "stderr": streams.get("stderr", b"").decode("utf-8", "replace"),
    }


def group_rss_mb(pgid: int) -> float:
    """Current resident memory of all processes in process group ``pgid``, MB (Linux ``/proc``)."""
    total_kb = 0
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            # fields after the command name (which may hold spaces) start after the last ')'
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) != pgid:
                continue
            for line in (d / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total_kb / 1024


def section_head(ctx: dict[str, Any], heading: str, load: Sequence[float] | None = None) -> list[str]:
    """The first lines of a ``RESULTS.md`` section: heading, command and total time, machine, tree.

    Parameters
    ----------
    ctx : dict
        What :func:`measure_and_report` hands to a script's ``report``.
    heading : str
        The section's ``## ...`` line.
    load : sequence of float, optional
        The load averages (1, 5, 15 min) at the start, added to the machine's line.

    Returns
    -------
    list of str
        The lines, ending with an empty one.
    """
    machine = ctx["machine"]
    if load is not None:
        machine += "; load average at the start " + ", ".join(f"{x:.2f}" for x in load)
    return [
        heading,
        "",
        f"Command: `{ctx['command']}` (total {secs(ctx['total_s'])})",
        "",
        f"Machine: {machine}",
        "",
        f"Tree: {ctx['tree']}",
        "",
    ]


def report_options(ap: Any) -> None:
    """Add the options every script that ends in :func:`measure_and_report` shares.

    ``--results`` (the ``RESULTS.md`` to write its section into), ``--json`` (the measurements
    and summary, also) and ``--note`` (a sentence for the report, repeatable).

    Parameters
    ----------
    ap : argparse.ArgumentParser
    """
    ap.add_argument("--results", type=Path, default=BENCH_DIR / "RESULTS.md", help="results file (bench/RESULTS.md)")
    ap.add_argument("--json", type=Path, default=None, help="also save the measurements and summary here")
    ap.add_argument("--note", action="append", default=[], help="a sentence added to the report (repeatable)")


def measure_and_report(
    script: str,
    args: Any,
    bench: Callable[[Any], Any],
    report: Callable[[dict[str, Any]], str],
    summary: Callable[[Any], Any],
    heading: str,
    packages: Sequence[str] = PACKAGES,
) -> int:
    """Run one benchmark script's measurement and write its section of ``RESULTS.md``.

    The shared end of the bench scripts: time ``bench(args)``, build the context its ``report``
    renders (command, total time, machine, tree, arguments, result, notes), print the section,
    write it under ``heading`` in ``args.results``, and save the measurements as JSON to
    ``args.json`` when given.

    Returns
    -------
    int
        The exit code (0).
    """
    t0 = time.perf_counter()
    tree = git_tree()
    result = bench(args)
    ctx = {
        "command": shlex.join(["python", script, *sys.argv[1:]]),
        "total_s": time.perf_counter() - t0,
        "machine": machine(packages),
        "tree": tree,
        "args": args,
        "result": result,
        "notes": list(args.note),
    }
    section = report(ctx)
    print(section)
    write_results(args.results, heading, section)
    log(f"wrote {args.results}")
    if args.json:
        saved = {k: v for k, v in ctx.items() if k != "args"} | {"args": vars(args), "summary": summary(result)}
        args.json.write_text(json.dumps(saved, indent=1, default=str), encoding="utf-8")
    return 0
