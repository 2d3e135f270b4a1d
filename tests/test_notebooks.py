"""Every notebook in notebooks/ runs top to bottom in fast mode (TSRNN_FAST=1).

The committed notebooks carry the outputs of a full run; here they are executed
again with fewer epochs so that a broken API or a changed dataset shows up in CI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_run():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_fast_mode(path, shared_data, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("TSRNN_FAST", "1")
    monkeypatch.setenv("TSRNN_DATA_DIR", str(shared_data / "forecasting"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
