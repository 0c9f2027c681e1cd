"""``bench/latency.py --base REV``: the commands of another revision timed side by side with this tree's.

One repetition of ``ikg info`` from each side: a few seconds, so it runs with the tests. It checks
the mechanics (a worktree of the revision, imported instead of this tree, a store per side, a
row with both medians and their ratio, the worktree removed), not any speed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: one repetition of ``ikg info``
_LATENCY = (sys.executable, str(REPO / "bench" / "latency.py"), "--reps", "1", "--only", "info")


def _git(*args: str) -> str:
    git = shutil.which("git")
    assert git is not None
    return subprocess.run([git, "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_latency_side_by_side_times_the_base_revision_and_this_tree(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout")
    head = _git("rev-parse", "--short", "HEAD")
    worktrees = _git("worktree", "list")
    results, saved = tmp_path / "RESULTS.md", tmp_path / "side.json"
    done = subprocess.run(
        [*_LATENCY, "--base", "HEAD", "--results", str(results), "--json", str(saved)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = results.read_text(encoding="utf-8")
    assert "## Command latency side by side (issue 18)" in text
    assert f"Base: `{head} " in text
    row = next(line for line in text.splitlines() if line.startswith("| `ikg info`"))
    base, this, ratio = (cell.strip() for cell in row.split("|")[2:5])
    assert base.endswith(" ms") and this.endswith(" ms") and float(ratio) > 0
    command = json.loads(saved.read_text(encoding="utf-8"))["result"]["commands"]["info"]
    assert len(command["pairs"]) == 1 and command["ratio"] == pytest.approx(command["wall"] / command["base"])
    assert _git("worktree", "list") == worktrees  # the base's worktree is gone again


def test_latency_side_by_side_refuses_an_unknown_revision(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout")
    done = subprocess.run(
        [*_LATENCY, "--base", "no-such-revision", "--results", str(tmp_path / "RESULTS.md")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert not (tmp_path / "RESULTS.md").exists()
