"""Command latency: how long the everyday ``ikg`` commands take, whole process, on a warm store.

Usage::

    python bench/latency.py [--reps 7] [--quick] [--results bench/RESULTS.md] [--json out.json]
    python bench/latency.py --base REV [--reps 7] [--only gaps,report]

A fresh store is seeded with the shipped concepts (Mettmann 2015, Beispielkreis) by a first
``ikg info``; then each command runs ``--reps`` times as its own process (``ikg --store DIR ...``,
the console script beside this Python), the commands of one repetition back to back, so that all
see the same load. Reported: median wall time (process start to exit) and peak RSS per command,
and the load average of the machine at the start. Then once, not timed: ``python -X importtime``
of each command, summed per top-level package (where the start-up goes) and its largest imports
by cumulative time, and for the commands with a target of their own, cProfile's top entries by
cumulative time inside ikg.

With ``--base REV`` each command also runs from the git revision ``REV`` (a worktree of it,
imported through ``PYTHONPATH``, with a store of its own seeded by it), and the two sides alternate
run by run, the order swapped every repetition: load on the machine, which on a shared virtual
machine changes a command's time by half within minutes, hits both alike. Reported: both medians
and their ratio, in a section of its own (``## Command latency side by side``), so that the
figures of a full ``bench/run`` are not replaced by those of another hour.

Targets (issue 18): ``info``, ``queries``, ``query`` under 0.3 s each; ``gaps`` under 0.5 s and
``report`` under 2 s on the Beispielkreis.
"""

from __future__ import annotations

import argparse
import os
import pstats
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

try:
    from bench._common import REPO, log, measure_and_report, report_options, run_measured, secs, section_head
except ImportError:  # run as a script: bench/ is sys.path[0]
    from _common import REPO, log, measure_and_report, report_options, run_measured, secs, section_head

HEADING = "## Command latency (issue 18)"
SIDE_HEADING = "## Command latency side by side (issue 18)"
#: the folders that make up the ``ikg`` package (``[tool.setuptools.package-dir]``)
PACKAGE_DIRS = ("graph", "api", "viz", "ontology", "queries", "data")
PACKAGES = ("pyoxigraph", "rdflib", "typer", "pydantic", "babel", "httpx")
CONCEPT = "beispielkreis-2024"
#: name, arguments after ``ikg --store DIR``, target in seconds
COMMANDS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("info", ("info",), 0.3),
    ("queries", ("queries",), 0.3),
    ("query", ("query", "wg-members", "--concept", CONCEPT, "--param", "wg_id=ag-sprache"), 0.3),
    ("gaps", ("gaps", "--concept", CONCEPT), 0.5),
    ("report", ("report", "--concept", CONCEPT, "--out", "{tmp}/report"), 2.0),
)
IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)$")


def ikg_command() -> list[str]:
    """The ``ikg`` console script beside this Python (or on PATH)."""
    beside = Path(sys.executable).parent / "ikg"
    return [str(beside)] if beside.is_file() else [shutil.which("ikg") or "ikg"]


def _argv(args: tuple[str, ...], store: Path, tmp: Path, program: list[str] | None = None) -> list[str]:
    return [*(program or ikg_command()), "--store", str(store), *(a.replace("{tmp}", str(tmp)) for a in args)]


def entry_program(checkout: Path) -> list[str]:
    """``python -c`` running the ``ikg`` console script's function as ``checkout`` declares it."""
    import tomllib

    target = tomllib.loads((checkout / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]["ikg"]
    module, func = target.split(":")
    return [sys.executable, "-c", f"import sys; sys.argv[0] = 'ikg'; from {module} import {func}; sys.exit({func}())"]


def base_checkout(rev: str, work: Path) -> tuple[Path, Path, str]:
    """A worktree of ``rev`` and a folder for ``PYTHONPATH`` whose ``ikg`` package is made of it.

    Returns
    -------
    tuple
        The worktree, the ``PYTHONPATH`` folder, and the revision's short hash and subject.
    """
    git = shutil.which("git")
    if git is None:
        raise SystemExit("--base needs git")
    source = work / "base-src"
    added = subprocess.run(
        [git, "-C", str(REPO), "worktree", "add", "--detach", str(source), rev], capture_output=True, text=True
    )
    if added.returncode != 0:
        raise SystemExit(f"--base {rev}: git cannot check it out: {added.stderr.strip()}")
    tree = work / "base-path"
    (tree / "ikg").mkdir(parents=True)
    for folder in PACKAGE_DIRS:
        (tree / "ikg" / folder).symlink_to(source / folder, target_is_directory=True)
    described = subprocess.run(
        [git, "-C", str(source), "log", "-1", "--format=%h %s"], check=True, capture_output=True, text=True
    ).stdout.strip()
    probe = "import ikg.graph.store as m; print(m.__file__)"
    found = subprocess.run(
        [sys.executable, "-c", probe], env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True
    ).stdout.strip()
    if not found.startswith(str(tree)):  # an installed ikg would shadow the base: measure nothing false
        raise SystemExit(f"the base revision's ikg is not the one imported ({found or 'nothing'})")
    return source, tree, described


def remove_checkout(source: Path) -> None:
    """Remove the worktree :func:`base_checkout` made (and git's note of it)."""
    git = shutil.which("git") or "git"
    subprocess.run(
        [git, "-C", str(REPO), "worktree", "remove", "--force", str(source)], check=False, capture_output=True
    )
    subprocess.run([git, "-C", str(REPO), "worktree", "prune"], check=False, capture_output=True)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("IKG_STORE", None)
    # a user's installation has byte code (pip compiles it; an editable install writes it on first
    # run); a sandbox that forbids writing it would add ~0.1 s of compiling to every command
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["IKG_LANG"] = "de"
    return env


def import_times(argv: list[str], env: dict[str, str], top: int = 8) -> dict[str, Any]:
    """Where the start-up goes: ``-X importtime`` of one run, per package and the largest imports.

    A module's own time excludes the modules it imports, so each package is charged what its
    modules cost themselves (``ikg`` is ikg's own modules, without rdflib or typer). The largest
    imports are the ``top`` modules by cumulative time (with what they import) among those
    imported by the program or by a module it imported itself (nesting depth 0 and 1): which
    first import pulled in what.

    Returns
    -------
    dict
        ``packages``: package name to seconds, largest first, ``(all)`` the sum over all imports;
        ``top``: ``[module, cumulative seconds, depth]``, largest first.
    """
    exe = Path(argv[0])
    cmd = [sys.executable, "-X", "importtime", str(exe), *argv[1:]] if exe.is_file() else argv
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    per: dict[str, float] = {}
    shallow: list[tuple[str, float, int]] = []
    for line in proc.stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if not m:
            continue
        module = m.group(4)
        per[module.split(".")[0]] = per.get(module.split(".")[0], 0.0) + int(m.group(1)) / 1e6
        depth = len(m.group(3)) // 2
        if depth <= 1 and module not in ("site", "encodings"):
            shallow.append((module, int(m.group(2)) / 1e6, depth))
    packages = dict(sorted(per.items(), key=lambda kv: -kv[1]))
    packages["(all)"] = sum(per.values())
    largest = sorted(shallow, key=lambda r: -r[1])[:top]
    return {"packages": packages, "top": [[name, round(secs_, 4), depth] for name, secs_, depth in largest]}


def profile_top(argv: list[str], env: dict[str, str], work: Path, n: int = 8) -> list[tuple[str, float]]:
    """The ``n`` ikg functions with the largest cumulative time in one cProfile run of the command."""
    prof = work / "run.prof"
    exe = Path(argv[0])
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), str(exe), *argv[1:]]
    subprocess.run(cmd, capture_output=True, env=env, timeout=600, check=False)
    if not prof.is_file():
        return []
    stats: Any = pstats.Stats(str(prof)).stats
    rows = []
    for (file, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.items():
        if "/site-packages/" not in file and ("/ikg/" in file or "/work/" in file):
            short = file.split("/")[-2] + "/" + file.split("/")[-1]
            if func in ("<module>", "main", "wrapper", "__call__", "invoke"):
                continue
            rows.append((f"{short}:{func}", ct))
    rows.sort(key=lambda r: -r[1])
    return rows[:n]


def bench(args: argparse.Namespace) -> dict[str, Any]:
    """Seed a store, time every command ``args.reps`` times (round robin), then profile once each."""
    if args.base:
        return bench_side_by_side(args)
    work = Path(tempfile.mkdtemp(prefix="ikg-latency-"))
    store = work / "store"
    env = _env()
    chosen = [c for c in COMMANDS if not args.only or c[0] in args.only]
    out: dict[str, Any] = {"load": os.getloadavg(), "commands": {}}
    try:
        seed = run_measured(_argv(("info",), store, work), 300, env=env)
        out["seed_s"] = seed["wall"]
        if seed["status"] != "ok":
            raise SystemExit(f"seeding failed: {seed['stderr'][-500:]}")
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in chosen}
        for _name, argv, _ in chosen:  # one warm-up each: files in the page cache, byte code compiled
            run_measured(_argv(argv, store, work), 300, env=env)
        for rep in range(args.reps):
            for name, argv, _ in chosen:
                r = run_measured(_argv(argv, store, work), 300, env=env)
                runs[name].append(r)
                if r["status"] != "ok":
                    log(f"{name} failed: {r['stderr'][-300:]}")
            log(f"repetition {rep + 1}/{args.reps} done")
        for name, argv, target in chosen:
            ok = [r for r in runs[name] if r["status"] == "ok"]
            entry: dict[str, Any] = {
                "command": shlex.join(["ikg", *(a.replace("{tmp}", "TMP") for a in argv)]),
                "target": target,
                "wall": statistics.median(r["wall"] for r in ok) if ok else None,
                "walls": [round(r["wall"], 4) for r in ok],
                "rss": max(r["rss"] for r in ok) if ok else None,
                "failed": len(runs[name]) - len(ok),
            }
            if not args.no_profile:
                entry["imports"] = import_times(_argv(argv, store, work), env)
                if not args.quick:  # cProfile doubles a run: the full run only
                    entry["profile"] = profile_top(_argv(argv, store, work), env, work)
            out["commands"][name] = entry
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def bench_side_by_side(args: argparse.Namespace) -> dict[str, Any]:
    """Time every command from ``args.base`` and from this checkout, alternating run by run."""
    work = Path(tempfile.mkdtemp(prefix="ikg-latency-"))
    env = _env()
    chosen = [c for c in COMMANDS if not args.only or c[0] in args.only]
    out: dict[str, Any] = {"load": os.getloadavg(), "commands": {}}
    source: Path | None = None
    try:
        source, tree, described = base_checkout(args.base, work)
        out["base"] = described
        sides = {
            "base": (entry_program(source), {**env, "PYTHONPATH": str(tree)}, work / "store-base"),
            "this": (entry_program(REPO), env, work / "store-this"),
        }
        for side, (program, side_env, store) in sides.items():
            seed = run_measured(_argv(("info",), store, work, program), 300, env=side_env)
            if seed["status"] != "ok":
                raise SystemExit(f"seeding the {side} store failed: {seed['stderr'][-500:]}")
            for _name, argv, _ in chosen:  # warm-up: byte code compiled, files in the page cache
                run_measured(_argv(argv, store, work, program), 300, env=side_env)
        runs: dict[str, dict[str, list[float]]] = {name: {"base": [], "this": []} for name, _, _ in chosen}
        for rep in range(args.reps):
            order = ("base", "this") if rep % 2 == 0 else ("this", "base")
            for name, argv, _ in chosen:
                for side in order:
                    program, side_env, store = sides[side]
                    r = run_measured(_argv(argv, store, work, program), 300, env=side_env)
                    if r["status"] != "ok":
                        raise SystemExit(f"{name} ({side}) failed: {r['stderr'][-500:]}")
                    runs[name][side].append(round(r["wall"], 4))
            log(f"repetition {rep + 1}/{args.reps} done")
        for name, argv, target in chosen:
            base, this = statistics.median(runs[name]["base"]), statistics.median(runs[name]["this"])
            out["commands"][name] = {
                "command": shlex.join(["ikg", *(a.replace("{tmp}", "TMP") for a in argv)]),
                "target": target,
                "base": base,
                "wall": this,
                "ratio": this / base,
                "pairs": list(zip(runs[name]["base"], runs[name]["this"], strict=True)),
            }
    finally:
        if source is not None:
            remove_checkout(source)
        shutil.rmtree(work, ignore_errors=True)
    return out


def summary(res: dict[str, Any]) -> dict[str, Any]:
    """What ``bench/run`` reads: per command its median wall time, target and peak RSS."""
    return {
        name: {"wall": c["wall"], "target": c["target"], "rss": c.get("rss")} for name, c in res["commands"].items()
    }


def report(ctx: dict[str, Any]) -> str:
    """The ``## Command latency (issue 18)`` section of RESULTS.md (or the side-by-side one)."""
    res, a = ctx["result"], ctx["args"]
    if a.base:
        return report_side_by_side(ctx)
    lines = [
        *section_head(ctx, HEADING, res["load"]),
        f"A fresh store seeded with the shipped concepts ({secs(res.get('seed_s'))}); each command a process of "
        f"its own (`ikg --store DIR ...`), after one warm-up run; median of {a.reps}, the commands of a "
        "repetition back to back. Wall time from process start to exit; peak RSS from `wait4`.",
        "",
        "| command | median | runs | peak RSS MB | target | met |",
        "|---|---:|---|---:|---:|---|",
    ]
    for c in res["commands"].values():
        met = "–" if c["wall"] is None else ("yes" if c["wall"] < c["target"] else "**no**")
        runs = ", ".join(f"{w:.2f}" for w in c["walls"])
        rss = f"{c['rss']:,.0f}" if c["rss"] is not None else "–"
        lines.append(f"| `{c['command']}` | {secs(c['wall'])} | {runs} | {rss} | < {secs(c['target'])} | {met} |")
    if any("imports" in c for c in res["commands"].values()):
        lines += [
            "",
            "Where the time goes (one run each, not timed: `python -X importtime`, each module's own time summed per "
            "package; cProfile, ikg's functions by cumulative time, profiler overhead included):",
            "",
        ]
        for name, c in res["commands"].items():
            found = c.get("imports") or {}
            imp = found.get("packages", {})
            top = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in list(imp.items())[:7] if k != "(all)")
            both = " over the command and its drawing processes, which import side by side" if name == "report" else ""
            lines.append(f"- `{name}`: imports {secs(imp.get('(all)'))}{both} ({top})")
            largest = found.get("top") or []
            if largest:
                lines.append(
                    "  - largest imports (cumulative): "
                    + "; ".join(f"{'↳ ' if d else ''}`{mod}` {s_ * 1000:.0f} ms" for mod, s_, d in largest)
                )
            prof = c.get("profile") or []
            if prof:
                lines.append("  - profile: " + "; ".join(f"`{f}` {secs(s)}" for f, s in prof[:6]))
    lines += [f"\n{n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def report_side_by_side(ctx: dict[str, Any]) -> str:
    """The ``## Command latency side by side (issue 18)`` section of RESULTS.md."""
    res, a = ctx["result"], ctx["args"]
    lines = [
        *section_head(ctx, SIDE_HEADING, res["load"]),
        f"Base: `{res['base']}` (`--base {a.base}`), from a git worktree through `PYTHONPATH`, against this tree; "
        "each side with a store of its own seeded by it. Each command a process of its own, after one warm-up "
        f"run per side; the two sides alternate run by run (the order swapped every repetition); median of {a.reps}. "
        "Ratio: this tree's median over the base's (< 1: faster now). Wall time from process start to exit.",
        "",
        "| command | base | this tree | ratio | runs (base / this) | target |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for c in res["commands"].values():
        pairs = ", ".join(f"{b:.2f}/{t:.2f}" for b, t in c["pairs"])
        lines.append(
            f"| `{c['command']}` | {secs(c['base'])} | {secs(c['wall'])} | {c['ratio']:.2f} | {pairs} "
            f"| < {secs(c['target'])} |"
        )
    lines += [f"\n{n}" for n in ctx["notes"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--reps", type=int, default=None, help="repetitions, median (7; 3 with --quick)")
    ap.add_argument("--quick", action="store_true", help="3 repetitions, no cProfile")
    ap.add_argument(
        "--only", type=lambda s: [x for x in s.split(",") if x], default=[], help="commands, e.g. info,query"
    )
    ap.add_argument("--no-profile", action="store_true", help="skip -X importtime and cProfile")
    ap.add_argument(
        "--base",
        metavar="REV",
        default="",
        help="also run each command from this git revision, alternating with this tree (ratios; no profile)",
    )
    report_options(ap)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.reps = args.reps or (3 if args.quick else 7)
    heading = SIDE_HEADING if args.base else HEADING
    return measure_and_report("bench/latency.py", args, bench, report, summary, heading, PACKAGES)


if __name__ == "__main__":
    sys.exit(main())
