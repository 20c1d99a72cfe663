"""What the project index (FL701-FL705, issue 17) costs: its share of a cold run, and a warm one-file run.

    python bench/project_index.py [FOLDER] [--flows 20000] [--seed 0] [--runs 11] [--cold-flows 1000]
                                  [--json out.json]

Without FOLDER, generates a repository of ``--flows`` flows (bench/generate.py) in a temporary folder. It
measures, as wall time of subprocesses (interpreter start-up included) unless said otherwise:

- index share: in one process (after a warm-up pass), every file of a ``--cold-flows`` sample read and
  linted as a cold run does (``Linter.lint_path``), then the same with the index entries made from the same
  parse, plus the index built from them (``ProjectIndex``), best of two each; the share is the difference
  over the plain lint;
- cold run: ``flowlint check . --no-cache --jobs 1`` on a copy of that sample (a project of its own), with
  the project rules and without (``--ignore`` them): the first also pays for the findings they make;
- one file: a typical flow checked alone, ``--no-cache`` and without the project rules (what a one-file
  run cost before the project index), against the same file checked with the project rules, the project
  being the whole folder (a config in the scratch folder includes it), once a first run over the folder
  filled the cache (the warm pre-commit run: the other flows come from the index store); medians of
  ``--runs``, interleaved.

Targets: the index share is at most 10% of the cold run, the warm one-file run at most 2x the one-file
run without the project.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from run import PROJECT_RULES, compile_flowlint, flowlint_command, list_files, project_one_file, run_timed, typical_file


def index_share(files: list[Path], folder: Path) -> dict[str, float]:
    """Seconds to lint ``files`` in this process without and with their index entries (and the index)."""
    from flowlint.files import display_name
    from flowlint.lint import Linter
    from flowlint.project.entries import FlowEntry
    from flowlint.project.index import ProjectIndex
    from flowlint.run import CheckOptions, prepare

    setup = prepare(CheckOptions(cwd=folder, cache=False))
    linter = Linter(setup.settings, setup.manifest, setup.enabled)
    named = [(path, display_name(path, folder)) for path in files]

    def lint_all(index: bool) -> float:
        start = time.perf_counter()
        entries: list[FlowEntry] | None = [] if index else None
        for path, display in named:
            linter.lint_path(path, display, entries=entries)
        if entries is not None:
            ProjectIndex(entries).definitions("company", "x")
        return time.perf_counter() - start

    lint_all(False)  # warm-up: what the first files load (property data, memos) is not the index's
    plain = min(lint_all(False) for _ in range(2))
    indexed = min(lint_all(True) for _ in range(2))
    return {"plain_seconds": plain, "indexed_seconds": indexed, "share": (indexed - plain) / plain}


def one_file(folder: Path, runs: int, work: Path) -> dict[str, Any]:
    """Interleaved medians of a typical file checked alone without the project, and warm with it, the project
    being the whole folder (its config and cache in ``work``)."""
    flowlint = flowlint_command()
    one = typical_file(folder, list_files(folder))
    target = str(one.relative_to(folder))
    warm_cmd, fill = project_one_file(flowlint, folder, one, work)
    alone_cmd = [*flowlint, "check", target, "-q", "--no-cache", "--ignore", PROJECT_RULES]
    alone: list[float] = []
    warm: list[float] = []
    for _ in range(runs):
        alone.append(run_timed(alone_cmd, folder)[0])
        warm.append(run_timed(warm_cmd, folder)[0])
    return {
        "file": target,
        "fill_seconds": fill,
        "alone_ms": statistics.median(alone) * 1000,
        "warm_ms": statistics.median(warm) * 1000,
        "ratio": statistics.median(warm) / statistics.median(alone),
    }


def cold(folder: Path, sample: list[Path], scratch: Path) -> dict[str, float]:
    """Best of two cold runs over a copy of ``sample`` (a project of its own), with and without the project
    rules."""
    copy = scratch / "sample"
    for path in sample:
        target = copy / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    base = [*flowlint_command(), "check", ".", "--no-cache", "--jobs", "1", "-q"]
    without = min(run_timed([*base, "--ignore", PROJECT_RULES], copy)[0] for _ in range(2))
    with_rules = min(run_timed(base, copy)[0] for _ in range(2))
    return {"without_seconds": without, "with_seconds": with_rules, "ratio": with_rules / without}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a folder of flows (default: generate one)")
    parser.add_argument("--flows", type=int, default=20000, help="flows to generate (default: %(default)s)")
    parser.add_argument("--cold-flows", type=int, default=1000, help="files of the cold measurements")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=11, help="one-file runs of each kind (medians)")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args(argv)
    compile_flowlint()
    with tempfile.TemporaryDirectory(prefix="flowlint-bench-") as scratch:
        folder = args.folder
        if folder is None:
            folder = Path(scratch) / "flows"
            generate(folder, args.flows, args.seed)
        folder = folder.resolve()
        files = list_files(folder)
        sample = files[:: max(1, len(files) // args.cold_flows)][: args.cold_flows]
        results = {
            "folder": str(folder),
            "files": len(files),
            "index_share": index_share(sample, folder),
            "cold": cold(folder, sample, Path(scratch)),
            "one_file": one_file(folder, args.runs, Path(scratch)),
        }
    share, single = results["index_share"], results["one_file"]
    print(f"{len(files)} files in {folder}")
    print(f"index share of a cold lint ({len(sample)} files, in process): {share['share']:.1%} (target <= 10%)")
    cold_run = results["cold"]
    print(
        f"cold run ({len(sample)} files): {cold_run['without_seconds']:.2f} s without the project rules, "
        f"{cold_run['with_seconds']:.2f} s with them (x{cold_run['ratio']:.2f})"
    )
    print(
        f"one file: {single['alone_ms']:.0f} ms alone without the project rules, {single['warm_ms']:.0f} ms warm with "
        f"the project of {len(files)} files (x{single['ratio']:.2f}, target <= 2)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
