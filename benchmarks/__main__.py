"""Run the registered benchmarks, print their tables and rewrite RESULTS.md.

    python -m benchmarks                    # every benchmark, full size
    python -m benchmarks --only windowing   # one benchmark
    python -m benchmarks --quick            # small sizes, prints only (< 30 s)

A full run rewrites ``benchmarks/RESULTS.md`` (or ``--output``): each section
records its date, machine, git commit and the exact command, and sections of
benchmarks not run this time are kept as they were. A ``--quick`` run writes a
file only when ``--output`` is given, so smoke checks never replace real figures.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from benchmarks import BENCHMARKS, load

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# tsrnn benchmark results"
INTRO = (
    "Rewritten by `python -m benchmarks` (see `benchmarks/__main__.py`); each "
    "section says when, where and how it was measured."
)
SECTION = re.compile(
    r"<!-- benchmark: (?P<name>[\w.-]+) -->\n.*?<!-- end benchmark: (?P=name) -->",
    re.DOTALL,
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=RESULTS.parent,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "uncommitted"
    commit = completed.stdout.strip()
    return commit if completed.returncode == 0 and commit else "uncommitted"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def header(name: str, command: str, note: str | None) -> str:
    load1, _, _ = os.getloadavg()
    lines = [
        f"## {name}",
        "",
        f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; 1-minute load average at start {load1:.2f}",
        f"- software: Python {platform.python_version()}, "
        + ", ".join(f"{p} {_version(p)}" for p in ("numpy", "tensorflow", "keras")),
        f"- git commit: {git_commit()}",
        f"- command: `{command}`",
    ]
    if note:
        lines.append(f"- note: {note}")
    return "\n".join(lines)


def merge(previous: str, sections: dict[str, str], order: list[str]) -> str:
    """RESULTS.md text: new sections replace old ones of the same name."""
    kept = {m["name"]: m[0] for m in SECTION.finditer(previous)}
    kept.update(
        {
            name: f"<!-- benchmark: {name} -->\n{text}\n<!-- end benchmark: {name} -->"
            for name, text in sections.items()
        }
    )
    names = [n for n in order if n in kept] + [n for n in kept if n not in order]
    return "\n\n".join([TITLE, INTRO, *(kept[n] for n in names)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    registry = load()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=INTRO)
    parser.add_argument("--quick", action="store_true", help="small sizes (< 30 s)")
    parser.add_argument("--only", choices=sorted(registry), help="run one benchmark")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"results file (default {RESULTS.name}; a --quick run writes none "
        "unless given)",
    )
    parser.add_argument("--note", default=None, help="a line added to the header")
    args = parser.parse_args(argv)
    command = shlex.join(["python", "-m", "benchmarks", *argv])
    names = [args.only] if args.only else list(registry)
    sections = {}
    for name in names:
        print(f"Running {name}{' (quick)' if args.quick else ''} ...", flush=True)
        section = f"{header(name, command, args.note)}\n\n{registry[name](args.quick)}"
        print(section, flush=True)
        sections[name] = section
    output = args.output or (None if args.quick else RESULTS)
    if output is not None:
        previous = output.read_text() if output.exists() else ""
        output.write_text(merge(previous, sections, list(BENCHMARKS)))
        print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
