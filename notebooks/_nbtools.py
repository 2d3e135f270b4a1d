"""What the notebook builders share: notebook metadata, full execution, log cleanup.

The builders (``_build_*.py``) import this module from their own folder; run them
as scripts (``python notebooks/_build_forecasting.py --execute``).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]

# C++ log lines TensorFlow writes at import and at its first operations (CPU
# features, CUDA probing, oneDNN notices), whatever TF_CPP_MIN_LOG_LEVEL says.
TF_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\)"
    r"|[IWE]\d{4} \d\d:\d\d:\d\d"
    r"|To enable the following instructions)"
)


def md(text: str):
    """A markdown cell of ``text`` (leading and trailing newlines dropped)."""
    return new_markdown_cell(text.strip("\n"))


def code(text: str):
    """A code cell of ``text`` (leading and trailing newlines dropped)."""
    return new_code_cell(text.strip("\n"))


def python_notebook(cells):
    """A notebook of ``cells`` that runs on the ``python3`` kernel."""
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def strip_tf_noise(notebook) -> None:
    """Remove TensorFlow's start-up log lines from the stderr outputs."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines = output["text"].splitlines(keepends=True)
                text = "".join(line for line in lines if not TF_NOISE.match(line))
                if not text.strip():
                    continue
                output["text"] = text
            kept.append(output)
        cell["outputs"] = kept


def execute(notebook, folder: Path) -> float:
    """Run ``notebook`` in full mode in ``folder``; return the seconds it took.

    Full mode: TSRNN_FAST unset. ETTh1 is read from ../shared/data/forecasting
    unless TSRNN_DATA_DIR says otherwise. The caller's environment is restored.
    """
    from nbclient import NotebookClient

    saved = dict(os.environ)
    os.environ.pop("TSRNN_FAST", None)
    os.environ.pop("MPLBACKEND", None)  # the notebooks use %matplotlib inline
    os.environ.setdefault(
        "TSRNN_DATA_DIR", str(ROOT.parent / "shared" / "data" / "forecasting")
    )
    start = time.perf_counter()
    try:
        NotebookClient(
            notebook,
            timeout=1200,
            kernel_name="python3",
            resources={"metadata": {"path": str(folder)}},
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    strip_tf_noise(notebook)
    return time.perf_counter() - start


def write_notebook(name: str, build, argv=None, description: str = "") -> int:
    """A one-notebook builder's command line: write ``name``; ``--execute`` runs it."""
    import argparse
    import sys

    import nbformat

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--execute", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(__file__).resolve().parent
    notebook = build()
    if args.execute:
        seconds = execute(notebook, folder)
        print(f"{name}: full run {seconds:.0f} s", file=sys.stderr)
    nbformat.validate(notebook)
    nbformat.write(notebook, folder / name)
    return 0
