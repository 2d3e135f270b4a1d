"""Smoke test: every registered benchmark runs in quick mode and writes its section."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_quick_benchmarks_run_and_write_every_section(tmp_path):
    output = tmp_path / "RESULTS.md"
    subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = output.read_text()
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import load

        names = sorted(load())
    finally:
        sys.path.remove(str(ROOT))
    assert names
    for name in names:
        assert f"<!-- benchmark: {name} -->" in text
    # The real figures are never replaced by a smoke run.
    assert output.resolve() != (ROOT / "benchmarks" / "RESULTS.md").resolve()
