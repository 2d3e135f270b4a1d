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
        timeout=1800,  # every benchmark in quick mode: minutes on a busy machine
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


@pytest.mark.slow
def test_accuracy_panels_without_statsforecast_says_how_to_install_it(tmp_path):
    output = tmp_path / "RESULTS.md"
    # A None entry in sys.modules makes `import statsforecast` raise ImportError.
    code = (
        "import sys; sys.modules['statsforecast'] = None; "
        "from benchmarks.__main__ import main; "
        "main(['--quick', '--only', 'accuracy_panels', '--output', sys.argv[1]])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = output.read_text()
    assert "statsforecast not installed: pip install tsrnn[bench]" in text
    assert "| seasonal naive (numpy, here) |" in text
    assert "| AutoETS |" not in text


def test_auto_fit_time_panel_reaches_the_goal_size_with_marked_copies():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.auto_fit_time import GOAL_SERIES, goal_panel, panel
    finally:
        sys.path.remove(str(ROOT))
    real = panel(False)
    grown = goal_panel(False)
    ids = grown["id"].unique()
    assert len(ids) == GOAL_SERIES
    copies = [i for i in ids if i.endswith(":copy")]
    assert len(copies) == GOAL_SERIES - real["id"].nunique()
    # The real rows come first and unchanged; each copy repeats its source.
    assert grown.iloc[: len(real)].equals(real)
    by_id = grown.groupby("id")["value"]
    for copy in copies[:: max(1, len(copies) // 20)]:
        source = copy.removesuffix(":copy")
        assert by_id.get_group(copy).tolist() == by_id.get_group(source).tolist()
    # Copies come from both sources, not only the first file's series.
    assert {c.split(":")[0] for c in copies} == {"m1_monthly", "tourism_monthly"}


def test_classification_validation_reads_candidate_names_holding_commas():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import classification_validation as study
    finally:
        sys.path.remove(str(ROOT))
    first, second = list(study.CANDIDATES)[:2]
    assert "," in first
    assert study.candidate_names(f"{first}; {second};") == [first, second]
    with pytest.raises(ValueError, match="unknown candidates"):
        study.candidate_names(first.replace(",", ";"))


@pytest.mark.slow
def test_classification_validation_reads_train_sets_only(monkeypatch):
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import classification_validation as study
        from benchmarks.accuracy_classification import LOADERS
    finally:
        sys.path.remove(str(ROOT))
    import tsrnn.datasets

    parts = []
    for name in LOADERS.values():
        loader = getattr(tsrnn.datasets, name)

        def recording(part, _loader=loader):
            parts.append(part)
            return _loader(part)

        monkeypatch.setattr(tsrnn.datasets, name, recording)
    name = "GRU-FCN, branch_dropout=0.8 (default)"
    records = study.run([name], quick=True)
    assert parts and set(parts) == {"train"}
    assert [(r["problem"], r["candidate"]) for r in records] == [
        (problem, name) for problem in study.QUICK_PROBLEMS
    ]
    assert all(0.0 <= r["accuracy"] <= 1.0 for r in records)
    assert f"| {name} |" in study.table(records)


def _nonseasonal_width():
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import nonseasonal_width
    finally:
        sys.path.remove(str(ROOT))
    return nonseasonal_width


def test_nonseasonal_width_study_never_reads_the_sunspots_test_part(shared_data):
    pytest.importorskip(
        "statsmodels", reason="statsmodels (the bench extra) ships the study's data"
    )
    import pandas as pd

    study = _nonseasonal_width()
    groups = {name: (frame, h) for name, frame, h, _ in study.groups()}
    sunspots, _ = groups["sunspots (yearly)"]
    full = pd.read_csv(shared_data / "forecasting" / "sunspots_yearly.csv")
    # The last 11 years (accuracy_single_series' test part) are not there.
    assert len(sunspots) == len(full) - 11
    fertility = next(f for name, (f, _) in groups.items() if "fertility" in name)
    assert fertility["value"].notna().all()
    assert fertility.groupby("id").size().nunique() == 1  # complete series only
    assert {h for _, h in groups.values()} == {6, 8, 11}


@pytest.mark.slow
def test_nonseasonal_width_study_quick_run_scores_every_method():
    pytest.importorskip(
        "statsforecast", reason="statsforecast (the bench extra) runs the references"
    )
    study = _nonseasonal_width()
    table, sizes = study.run(quick=True)
    assert list(sizes) == ["sunspots (yearly)", "Nile (yearly)"]
    assert len(table) == len(study.WIDTHS) + 3
    assert all(len(values) == 2 for values in table.values())
    text = study.markdown(table, sizes)
    assert all(f"| {method} |" in text for method in table)
