"""How fast flowlint checks a folder of flows, against the cost of parsing the YAML at all.

    python bench/run.py [FOLDER] [--sizes 100,1000,20000] [--seed 0] [--json out.json]
                        [--repeat 3] [--budget 30] [--tool-sample 2000] [--quick]

Without FOLDER, generates a repository of each size (bench/generate.py) in a temporary folder. For each
folder it measures, as wall time of a subprocess including interpreter start-up:

- floor: every file read and composed (``YAML(typ="safe", pure=False).compose_all``: libyaml's C
  composer) in one Python process; the least any Python YAML linter could cost;
- flowlint cold, one job: ``flowlint check FOLDER --no-cache --jobs 1`` (peak RSS of this run too);
- flowlint cold, all jobs: ``--no-cache --jobs <CPUs>``;
- flowlint warm: a first run fills a fresh ``--cache-dir``, the next runs are timed;
- one file: ``flowlint check FILE --no-cache`` against ``python -c "import ruamel.yaml"`` (median of 11
  runs each, interleaved; flowlint's modules byte-compiled first, as ``pip install`` does); and, interleaved
  with them, the same without the project rules (``--ignore`` FL701-FL705: what a one-file run cost before
  the project index) against the warm pre-commit run on that file in a project of the whole folder (a
  config in a scratch folder includes it; a run over the folder filled the cache first);
- yamllint and check-jsonschema (``--schemafile`` of ``{"type": "object"}``) when installed, on every
  file or, above ``--tool-sample`` files, on an evenly spread sample of that many (files/s).

Throughput is the best (shortest) of up to ``--repeat`` runs: a run is repeated only while the runs of
that measurement stay within ``--budget`` seconds. Prints a table with the targets (PASS/FAIL) and writes
everything as JSON with ``--json``. ``--quick``: one run of each, no external tools, and (without
FOLDER) one generated folder of 30 flows.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import MANIFEST_NAME, generate

TARGETS = {
    "cold_1_vs_floor": ("cold 1 job >= 0.5 x floor", ">=", 0.5),
    "cold_all_files_per_s": ("cold all jobs >= 2,500 files/s", ">=", 2500.0),
    "cold_all_vs_yamllint": ("cold all jobs >= 10 x yamllint", ">=", 10.0),
    "warm_files_per_s": ("warm >= 20,000 files/s", ">=", 20000.0),
    "single_vs_import": ("one file <= 2 x import ruamel", "<=", 2.0),
    "warm_project_vs_alone": ("one file warm in the project <= 2 x alone", "<=", 2.0),
    "peak_rss_mb": ("peak RSS 1 job < 150 MB", "<", 150.0),
}

FLOOR_SCRIPT = r"""
import os, sys, time
t0 = time.perf_counter()
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=False)
files = [line for line in open(sys.argv[1], encoding="utf-8").read().split("\n") if line]
t1 = time.perf_counter()
documents = errors = 0
for path in files:
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    try:
        for _ in yaml.compose_all(text):
            documents += 1
    except Exception:
        errors += 1
t2 = time.perf_counter()
print(f"{documents} {errors} {t1 - t0:.6f} {t2 - t1:.6f}")
"""


PROJECT_RULES = "FL701,FL702,FL703,FL705"
"""The rules that read the other flows of the project (issue 17)."""


def project_one_file(flowlint: list[str], folder: Path, one: Path, work: Path) -> tuple[list[str], float]:
    """The command of a warm pre-commit run on ``one``, the project being all of ``folder`` (a config in
    ``work`` includes it; the cache, in ``work`` too, filled by a run over the folder, then one on the file),
    and the seconds the filling run took."""
    config = work / "project" / ".flowlint.yaml"
    config.parent.mkdir()
    config.write_text(f"include: [{json.dumps(str(folder))}]\n", encoding="utf-8")
    options = ["--format", "concise", "-q", "--config", str(config), "--cache-dir", str(work / "project-cache")]
    fill, _, _ = run_timed([*flowlint, "check", str(folder), *options], folder)
    command = [*flowlint, "check", str(one), *options]
    run_timed(command, folder)
    return command, fill


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def executable(name: str) -> str | None:
    """``name`` next to this interpreter (no shims), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def compile_flowlint() -> None:
    """Byte-compile flowlint's modules, as ``pip install`` does for an installed package: an editable
    install run under PYTHONDONTWRITEBYTECODE would otherwise compile them at every start."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("flowlint")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


def flowlint_command() -> list[str]:
    found = executable("flowlint")
    return [found] if found else [sys.executable, "-m", "flowlint"]


def check_flowlint_starts() -> None:
    """Stop when the flowlint command does not start (not installed, an import failing): its exit code would
    pass for a run with findings (1) and its start-up time for a check."""
    cmd = [*flowlint_command(), "--version"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not done.stdout.startswith("flowlint"):
        raise SystemExit(f"{' '.join(cmd)} does not run (exit {done.returncode}):\n{done.stderr[-2000:]}")


def run_timed(cmd: Sequence[str], cwd: Path, ok: Sequence[int] = (0, 1)) -> tuple[float, int, str]:
    """Run ``cmd``; returns (wall seconds, peak RSS in KiB of it and its children, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in ok:
            err.seek(0)
            raise RuntimeError(
                f"{' '.join(cmd[:4])} ... exited {process.returncode}: {err.read().decode(errors='replace')[-2000:]}"
            )
        out.seek(0)
        stdout = out.read().decode(errors="replace")
    return elapsed, int(usage.ru_maxrss), stdout


def repeat(cmd: Sequence[str], cwd: Path, times: int, budget: float, ok: Sequence[int] = (0, 1)) -> dict[str, Any]:
    """Best of up to ``times`` runs, stopping when another run would pass ``budget`` seconds in all."""
    runs: list[float] = []
    rss: list[int] = []
    outputs: list[str] = []
    while len(runs) < times:
        elapsed, maxrss, stdout = run_timed(cmd, cwd, ok)
        runs.append(elapsed)
        rss.append(maxrss)
        outputs.append(stdout)
        if sum(runs) + elapsed > budget:
            break
    return {"seconds": min(runs), "runs": [round(r, 4) for r in runs], "peak_rss_kib": max(rss), "_out": outputs}


def rate(files: int, seconds: float | None) -> float | None:
    return files / seconds if seconds else None


def list_files(folder: Path) -> list[Path]:
    """The flow files flowlint would check (every *.yml / *.yaml, sorted), skipping hidden folders."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root) / n for n in sorted(names) if n.endswith((".yml", ".yaml"))]
    return found


def typical_file(folder: Path, files: list[Path]) -> Path:
    """A flow that is not broken and has the median line count."""
    broken: set[str] = set()
    manifest = folder / MANIFEST_NAME
    if manifest.is_file():
        broken = set(json.loads(manifest.read_text(encoding="utf-8")).get("broken", {}))
    candidates = [f for f in files if f.relative_to(folder).as_posix() not in broken][:2000] or files
    sized = sorted(candidates, key=lambda f: (f.read_bytes().count(b"\n"), str(f)))
    return sized[len(sized) // 2]


def sample(files: list[Path], limit: int) -> list[Path]:
    if len(files) <= limit:
        return files
    step = len(files) / limit
    return [files[int(k * step)] for k in range(limit)]


def run_tool(cmd: list[str], files: list[Path], folder: Path, times: int, budget: float) -> dict[str, Any]:
    """An external tool on ``files`` (relative paths, in chunks that fit a command line)."""
    rel = [str(f.relative_to(folder)) for f in files]
    chunks = [rel[k : k + 2000] for k in range(0, len(rel), 2000)]
    runs: list[float] = []
    while len(runs) < times:
        total = 0.0
        for chunk in chunks:
            elapsed, _, _ = run_timed([*cmd, *chunk], folder, ok=(0, 1))
            total += elapsed
        runs.append(total)
        if sum(runs) + total > budget:
            break
    best = min(runs)
    return {
        "files": len(files),
        "seconds": best,
        "runs": [round(r, 4) for r in runs],
        "files_per_s": len(files) / best,
    }


def tool_version(cmd: list[str]) -> str | None:
    try:
        done = subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return None
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else None


def measure(folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    folder = folder.resolve()
    files = list_files(folder)
    if not files:
        raise SystemExit(f"no *.yml / *.yaml files in {folder}")
    n = len(files)
    times = 1 if args.quick else args.repeat
    budget = args.budget
    jobs = cpu_count()
    flowlint = flowlint_command()
    base = [*flowlint, "check", str(folder), "--format", "concise", "-q"]
    result: dict[str, Any] = {
        "folder": str(folder),
        "files": n,
        "bytes": sum(f.stat().st_size for f in files),
        "lines": sum(f.read_bytes().count(b"\n") for f in files),
    }
    work = Path(tempfile.mkdtemp(prefix="flowlint-bench-"))
    try:
        # (a) the floor: read + C compose, one process
        listing = work / "files.txt"
        listing.write_text("\n".join(str(f) for f in files) + "\n", encoding="utf-8")
        floor = repeat([sys.executable, "-c", FLOOR_SCRIPT, str(listing)], folder, times, budget, ok=(0,))
        documents, errors, _startup, compose = floor.pop("_out")[-1].split()
        floor.pop("peak_rss_kib")
        floor.update(
            files_per_s=n / floor["seconds"],
            documents=int(documents),
            compose_errors=int(errors),
            inprocess_files_per_s=n / float(compose) if float(compose) else None,
        )
        result["floor"] = floor
        # (b) cold, one job
        cold_1 = repeat([*base, "--no-cache", "--jobs", "1"], folder, times, budget)
        cold_1.pop("_out")
        cold_1.update(jobs=1, files_per_s=n / cold_1["seconds"])
        result["cold_1"] = cold_1
        result["peak_rss_mb"] = cold_1["peak_rss_kib"] / 1024
        # (c) cold, all jobs
        cold_all = repeat([*base, "--no-cache", "--jobs", str(jobs)], folder, times, budget)
        cold_all.pop("_out")
        cold_all.update(jobs=jobs, files_per_s=n / cold_all["seconds"])
        result["cold_all"] = cold_all
        # (d) warm: fill a fresh cache, then time the next runs
        cache = work / "cache"
        fill, _, _ = run_timed([*base, "--cache-dir", str(cache)], folder)
        warm = repeat([*base, "--cache-dir", str(cache)], folder, times, budget)
        warm.pop("_out")
        warm.update(fill_seconds=round(fill, 4), files_per_s=n / warm["seconds"])
        result["warm"] = warm
        # (e) one file, against importing ruamel.yaml
        one = typical_file(folder, files)
        single_cmd = [*flowlint, "check", str(one), "--format", "concise", "-q", "--no-cache"]
        import_cmd = [sys.executable, "-c", "import ruamel.yaml"]
        alone_cmd = [*single_cmd, "--ignore", PROJECT_RULES]
        warm_cmd, _ = project_one_file(flowlint, folder, one, work)
        single_runs: list[float] = []
        import_runs: list[float] = []
        alone_runs: list[float] = []
        warm_runs: list[float] = []
        for _ in range(1 if args.quick else 11):
            single_runs.append(run_timed(single_cmd, folder)[0])
            import_runs.append(run_timed(import_cmd, folder, ok=(0,))[0])
            alone_runs.append(run_timed(alone_cmd, folder)[0])
            warm_runs.append(run_timed(warm_cmd, folder)[0])
        result["single_file"] = {
            "file": str(one.relative_to(folder)),
            "lines": one.read_bytes().count(b"\n"),
            "seconds": statistics.median(single_runs),
            "runs": [round(r, 4) for r in single_runs],
        }
        result["import_ruamel"] = {
            "seconds": statistics.median(import_runs),
            "runs": [round(r, 4) for r in import_runs],
        }
        result["single_file_alone"] = {
            "seconds": statistics.median(alone_runs),
            "runs": [round(r, 4) for r in alone_runs],
        }
        result["single_file_warm_project"] = {
            "seconds": statistics.median(warm_runs),
            "runs": [round(r, 4) for r in warm_runs],
            "project_files": n,
        }
        # (f) other tools
        result["yamllint"] = result["check_jsonschema"] = None
        if not args.quick:
            tool_files = sample(files, args.tool_sample)
            yamllint = executable("yamllint")
            if yamllint:
                result["yamllint"] = run_tool([yamllint, "-f", "parsable"], tool_files, folder, times, budget)
            checker = executable("check-jsonschema")
            if checker:
                schema = work / "object.json"
                schema.write_text('{"type": "object"}\n', encoding="utf-8")
                result["check_jsonschema"] = run_tool(
                    [checker, "--schemafile", str(schema)], tool_files, folder, times, budget
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratios = {
        "cold_1_vs_floor": result["cold_1"]["files_per_s"] / result["floor"]["files_per_s"],
        "cold_all_vs_yamllint": (
            result["cold_all"]["files_per_s"] / result["yamllint"]["files_per_s"] if result["yamllint"] else None
        ),
        "single_vs_import": result["single_file"]["seconds"] / result["import_ruamel"]["seconds"],
        "warm_project_vs_alone": (
            result["single_file_warm_project"]["seconds"] / result["single_file_alone"]["seconds"]
        ),
    }
    result["ratios"] = ratios
    values = {
        "cold_1_vs_floor": ratios["cold_1_vs_floor"],
        "cold_all_files_per_s": result["cold_all"]["files_per_s"],
        "cold_all_vs_yamllint": ratios["cold_all_vs_yamllint"],
        "warm_files_per_s": result["warm"]["files_per_s"],
        "single_vs_import": ratios["single_vs_import"],
        "warm_project_vs_alone": ratios["warm_project_vs_alone"],
        "peak_rss_mb": result["peak_rss_mb"],
    }
    result["targets"] = {}
    for key, (_, op, limit) in TARGETS.items():
        value = values[key]
        passed = None
        if value is not None:
            passed = value >= limit if op == ">=" else value <= limit if op == "<=" else value < limit
        result["targets"][key] = {"value": value, "limit": limit, "op": op, "pass": passed}
    return result


def _num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}"


def table(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    jobs = meta["cpus"]
    header = [f"{r['files']:,} files" for r in results]
    rows: list[tuple[str, list[str]]] = [
        ("size (MB, lines)", [f"{r['bytes'] / 1e6:.1f}, {r['lines']:,}" for r in results]),
        ("floor: C compose, files/s", [_num(r["floor"]["files_per_s"]) for r in results]),
        ("flowlint cold 1 job, files/s", [_num(r["cold_1"]["files_per_s"]) for r in results]),
        (f"flowlint cold {jobs} jobs, files/s", [_num(r["cold_all"]["files_per_s"]) for r in results]),
        ("flowlint warm (cache), files/s", [_num(r["warm"]["files_per_s"]) for r in results]),
        ("one file, ms (median of 11)", [_num(r["single_file"]["seconds"] * 1000) for r in results]),
        ("import ruamel.yaml, ms (median of 11)", [_num(r["import_ruamel"]["seconds"] * 1000) for r in results]),
        ("one file without FL7xx, ms", [_num(r["single_file_alone"]["seconds"] * 1000) for r in results]),
        ("one file warm in the project, ms", [_num(r["single_file_warm_project"]["seconds"] * 1000) for r in results]),
        ("yamllint, files/s", [_num(r["yamllint"] and r["yamllint"]["files_per_s"]) for r in results]),
        (
            "check-jsonschema, files/s",
            [_num(r["check_jsonschema"] and r["check_jsonschema"]["files_per_s"]) for r in results],
        ),
        ("peak RSS cold 1 job, MB", [_num(r["peak_rss_mb"], 1) for r in results]),
        ("ratio flowlint 1 job / floor", [_num(r["ratios"]["cold_1_vs_floor"], 2) for r in results]),
        (f"ratio flowlint {jobs} jobs / yamllint", [_num(r["ratios"]["cold_all_vs_yamllint"], 1) for r in results]),
        ("ratio one file / import ruamel", [_num(r["ratios"]["single_vs_import"], 2) for r in results]),
        ("ratio warm in the project / alone", [_num(r["ratios"]["warm_project_vs_alone"], 2) for r in results]),
    ]
    for key, (label, _, _) in TARGETS.items():
        cells = []
        for r in results:
            passed = r["targets"][key]["pass"]
            cells.append("n/a" if passed is None else "PASS" if passed else "FAIL")
        rows.append(("target: " + label, cells))
    width = max(len(label) for label, _ in rows) + 2
    col = max(12, *(len(h) + 2 for h in header), *(len(c) + 2 for _, cells in rows for c in cells))
    lines = [
        f"flowlint {meta['flowlint']} | {meta['cpus']} CPUs | Python {meta['python']} | ruamel.yaml "
        f"{meta['ruamel_yaml']} | {meta['method']}",
        "".ljust(width) + "".join(h.rjust(col) for h in header),
    ]
    lines += [label.ljust(width) + "".join(c.rjust(col) for c in cells) for label, cells in rows]
    samples = [r["yamllint"]["files"] for r in results if r["yamllint"] and r["yamllint"]["files"] < r["files"]]
    if samples:
        lines.append(f"(yamllint and check-jsonschema: on an evenly spread sample of {samples[0]:,} files when larger)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="a folder of flows (default: generate one per size)")
    parser.add_argument("--sizes", default="100,1000,20000", help="flows per generated folder (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--repeat", type=int, default=3, help="runs per throughput measurement, best kept")
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per measurement before repeats stop")
    parser.add_argument("--tool-sample", type=int, default=2000, help="files given to yamllint/check-jsonschema")
    parser.add_argument("--quick", action="store_true", help="one run each, no external tools, 30 flows")
    args = parser.parse_args(argv)
    meta: dict[str, Any] = {
        "flowlint": importlib.metadata.version("kestra-flowlint"),
        "python": platform.python_version(),
        "ruamel_yaml": importlib.metadata.version("ruamel.yaml"),
        "platform": platform.platform(),
        "cpus": cpu_count(),
        "method": (
            "one run each"
            if args.quick
            else f"best of <= {args.repeat} runs ({args.budget:g} s budget), wall time incl. start-up"
        ),
        "quick": args.quick,
    }
    if not args.quick:
        for name, key in (("yamllint", "yamllint"), ("check-jsonschema", "check_jsonschema")):
            found = executable(name)
            meta[key] = tool_version([found]) if found else None
    if not args.quick:
        compile_flowlint()
    check_flowlint_starts()
    results: list[dict[str, Any]] = []
    if args.folder is not None:
        if not args.folder.is_dir():
            parser.error(f"{args.folder} is not a folder")
        print(f"measuring {args.folder} ...", file=sys.stderr)
        results.append(measure(args.folder, args))
    else:
        sizes = [30] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
        for size in sizes:
            with tempfile.TemporaryDirectory(prefix=f"flowlint-flows-{size}-") as tmp:
                start = time.perf_counter()
                generate(Path(tmp), size, args.seed)
                made = time.perf_counter() - start
                print(f"generated {size:,} flows in {made:.1f} s; measuring ...", file=sys.stderr)
                result = measure(Path(tmp), args)
                result["generated"] = {"flows": size, "seed": args.seed, "seconds": round(made, 3)}
                results.append(result)
    print(table(results, meta))
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "targets": TARGETS, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
