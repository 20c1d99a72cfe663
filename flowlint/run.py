"""One ``flowlint check`` run: settings, manifest and files in; a Report out."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from flowlint.batch import Indexed, default_jobs, lint_files
from flowlint.cache import ResultCache, run_key
from flowlint.config import Settings, find_config, load_settings
from flowlint.diagnostics import FileResult, Severity
from flowlint.errors import UsageError
from flowlint.files import Candidate, collect, compile_patterns, display_name, is_excluded
from flowlint.lint import Linter
from flowlint.manifest.catalog import load_catalog
from flowlint.manifest.model import Manifest
from flowlint.report import Report
from flowlint.rules import enabled_codes
from flowlint.rules.repository import project_rules_on
from flowlint.selection import checked_settings
from flowlint.stamps import CACHE_DIR_NAME, Stamps
from flowlint.versions import parse_version


class CheckOptions(NamedTuple):
    """What the command line asked for."""

    paths: tuple[Path, ...] = ()
    manifests: tuple[Path, ...] = ()
    config: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = None
    stdin_filename: str | None = None
    target: str | None = None
    edition: str | None = None
    force_exclude: bool = False
    cwd: Path = Path()
    cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None


class CheckResult(NamedTuple):
    """The report, the severity that fails the run, warnings for standard error, and how the run was set
    up (with how many results came from the cache) for ``--verbose``."""

    report: Report
    fail_on: Severity
    warnings: tuple[str, ...]
    setup: RunSetup
    cached: int


class RunSetup(NamedTuple):
    """What every command that reads flows needs: config, settings, manifest, enabled rules."""

    cwd: Path
    config: Path | None
    settings: Settings
    manifest: Manifest
    manifest_paths: tuple[Path, ...]
    enabled: frozenset[str]
    reads_stdin: bool
    use_cache: bool
    cache_dir: Path


def prepare(options: CheckOptions, manifest: Manifest | None = None) -> RunSetup:
    """Find and load the config and the manifest (``manifest`` given: use it instead) the way ``check`` does;
    raises UsageError for bad options, config or manifest."""
    cwd = options.cwd.resolve()
    reads_stdin = Path("-") in options.paths
    if reads_stdin and len(options.paths) > 1:
        raise UsageError("'-' (standard input) cannot be combined with other paths")
    start = cwd
    if reads_stdin and options.stdin_filename:
        start = (cwd / options.stdin_filename).parent
        while not start.is_dir() and start != start.parent:
            start = start.parent
    config = options.config if options.config is not None else find_config(start)
    if config is not None and not config.is_file():
        raise UsageError(f"config file {config} does not exist")
    use_cache = options.cache and not reads_stdin
    cache_dir = options.cache_dir or ((config.parent if config is not None else cwd) / CACHE_DIR_NAME)
    stamps = Stamps(cache_dir if use_cache else None)
    settings = load_config(config, cwd, stamps)
    if options.target is not None:
        target = parse_version(options.target)
        if target is None:
            raise UsageError(f"--target-kestra-version: {options.target!r} is not a Kestra version")
        settings = settings.with_overrides(target=target, target_origin="--target-kestra-version")
    if options.edition is not None:
        settings = settings.with_overrides(edition=options.edition)
    manifest_paths = tuple(cwd / m for m in options.manifests) or settings.manifests
    if manifest is None:
        manifest = load_manifest(manifest_paths, settings, stamps)
    stamps.save()
    enabled = enabled_codes(options.select or settings.select, options.ignore or settings.ignore)
    return RunSetup(cwd, config, settings, manifest, manifest_paths, enabled, reads_stdin, use_cache, cache_dir)


def load_config(config: Path | None, cwd: Path, stamps: Stamps | None = None) -> Settings:
    """The settings of ``config`` (None: flowlint's defaults for ``cwd``), every rule selector, severity
    and option in it checked; raises UsageError naming the file and key."""
    return checked_settings(load_settings(config, cwd, stamps))


def load_manifest(paths: Sequence[Path], settings: Settings, stamps: Stamps | None = None) -> Manifest:
    """The manifests at ``paths`` merged, with Kestra's core types for the target version when they do
    not describe them; the bundled catalog when there is no path."""
    if not paths:
        return load_catalog()
    from flowlint.manifest.core import with_core
    from flowlint.manifest.loader import load_manifests

    return with_core(load_manifests(paths, stamps), settings.target)


def candidates(options: CheckOptions, setup: RunSetup) -> list[Candidate]:
    """The files the paths of ``options`` name (the configured ``include``, else the working folder),
    without the run's own config and manifest files."""
    cwd, settings = setup.cwd, setup.settings
    paths = options.paths or tuple(settings.root / p for p in settings.include) or (cwd,)
    for path in paths:
        absolute = path if path.is_absolute() else cwd / path
        if not absolute.exists() and not absolute.is_symlink():
            raise UsageError(f"{path}: no such file or folder")
    config = setup.config
    own_files = {p.resolve() for p in (*setup.manifest_paths, *((config,) if config else ()))}
    own_names = {p.name for p in own_files}
    return [
        c
        for c in collect(paths, cwd, settings.root, settings.exclude, options.force_exclude)
        if c.path.name not in own_names or _real(c.path) not in own_files
    ]


def prepare_files(options: CheckOptions) -> tuple[RunSetup, list[Candidate]]:
    """The setup and files of a command that reads files (fix, inventory, impact), found as ``check``
    finds them, without the cache; standard input ('-') is a UsageError."""
    if Path("-") in options.paths:
        raise UsageError("this command reads files, not standard input ('-')")
    setup = prepare(options._replace(cache=False))
    return setup, candidates(options, setup)


def resume_collection() -> None:
    """Turn the cyclic garbage collector back on if the entry point started without it, with what
    start-up built frozen out of its passes. Linting a file makes no reference cycle (a YAML alias that
    contains itself does), so collections are made rare: one per 50,000 new objects, not 700."""
    if not gc.isenabled():
        gc.freeze()
        gc.set_threshold(50_000)
        gc.enable()


def run_check(options: CheckOptions, setup: RunSetup | None = None) -> CheckResult:
    """Check the files ``options`` names (with ``setup``, what :func:`prepare` already made of them);
    raises UsageError for bad options, config or manifest."""
    setup = setup or prepare(options)
    cwd, settings, manifest, enabled = setup.cwd, setup.settings, setup.manifest, setup.enabled
    manifest_paths = setup.manifest_paths
    linter = Linter(settings, manifest, enabled)
    resume_collection()
    warnings: list[str] = []
    cached = 0
    if setup.reads_stdin:
        name = options.stdin_filename
        if name and options.force_exclude and _stdin_excluded(cwd / name, settings):
            results: list[FileResult] = []
            warnings.append(f"{name} is excluded (--force-exclude): standard input was not checked")
        else:
            display = display_name(Path(name), cwd) if name else "-"
            data = sys.stdin.buffer.read()
            if name and project_rules_on(enabled):  # judged on the project, as the file it names
                from flowlint.project.findings import stdin_result

                results = [stdin_result(linter, data, display, cwd, cwd / name, options.jobs or default_jobs())]
            else:
                results = [linter.lint_bytes(data, display)]
    else:
        found = candidates(options, setup)
        if not found:
            named = " ".join(str(p) for p in options.paths) or ("the configured include" if settings.include else ".")
            warnings.append(f"no file to check: {named} holds no *.yml or *.yaml file that is not excluded")
        cache = None
        if setup.use_cache:
            key = run_key([repr(settings).encode(), " ".join(sorted(enabled)).encode(), manifest.fingerprint.encode()])
            cache = ResultCache(setup.cache_dir, key)
        jobs = options.jobs or default_jobs()
        if project_rules_on(enabled):
            results = _check_project(linter, found, cache, jobs, setup)
        else:
            results = lint_files(linter, found, cache, jobs)
        if cache is not None:
            cache.save()
            cached = cache.hits
    results.sort(key=lambda r: r.path)
    notes: tuple[str, ...] = ()
    if manifest_paths:
        from flowlint.manifest.inspect import staleness_note

        note = staleness_note(manifest, settings.manifest_max_age_days)
        notes = (note,) if note else ()
    report = Report(
        files=results,
        manifest_source=manifest.source,
        manifest_plugins=manifest.own_plugins,
        manifest_summary=manifest.summary(),
        notes=notes,
    )
    return CheckResult(report, options.fail_on or settings.fail_on, tuple(warnings), setup, cached)


def _check_project(
    linter: Linter, found: list[Candidate], cache: ResultCache | None, jobs: int, setup: RunSetup
) -> list[FileResult]:
    """The results of ``found`` with the project rules' findings (FL7xx), judged on the project index."""
    from flowlint.project import findings

    store = findings.index_store(setup.cache_dir if setup.use_cache else None, linter.slots)
    started = findings.now_ns()
    walk = findings.project_walk(linter, setup.cwd, found, store)
    indexed: Indexed = {}
    results = lint_files(linter, found, cache, jobs, indexed, walk.stored_content)
    index = findings.project_index(linter, setup.cwd, found, indexed, store, started, jobs, walk)
    merged = findings.with_project_findings(linter, found, results, index, indexed, cache, jobs)
    store.save()  # after the findings: entries they found damaged are left out of the pack it writes
    return merged


def describe(setup: RunSetup) -> list[str]:
    """What a run uses, a ``name: value`` line each: config, manifest, target and default versions,
    file selection, rules and their options, cache (``--verbose`` and ``--show-settings`` print it)."""
    settings, manifest = setup.settings, setup.manifest
    files = ", ".join(str(p) for p in setup.manifest_paths) or "none: the bundled catalog"
    enabled = sorted(setup.enabled)
    return [
        f"config: {setup.config if setup.config is not None else 'none (flowlint defaults)'}",
        f"root: {settings.root}",
        f"manifest files: {files}",
        f"manifest: {manifest.source} ({manifest.summary()})",
        f"target Kestra version: {settings.target.text} (from {settings.target_origin})",
        f"edition: {settings.edition or 'unknown (FL608 reports nothing)'}",
        f"default version: {settings.default_version} (from {settings.default_version_origin})",
        f"include: {', '.join(settings.include) or '(paths given, else the working folder)'}",
        f"exclude: {', '.join(settings.exclude) or '(none)'}",
        f"rules enabled ({len(enabled)}): {', '.join(enabled)}",
        f"severity overrides: {_pairs(settings.severity.items()) or '(none)'}",
        f"per-file ignores: {_pairs(settings.per_file_ignores.items()) or '(none)'}",
        f"rule options: {_pairs(settings.rule_options.items()) or '(none)'}",
        f"fail on: {settings.fail_on.value}",
        f"cache: {setup.cache_dir if setup.use_cache else 'off'}",
    ]


def _pairs(items: Iterable[tuple[str, object]]) -> str:
    return "; ".join(f"{key}: {_plain(value)}" for key, value in items)


def _plain(value: object) -> str:
    if isinstance(value, Severity):
        return value.value
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


def _stdin_excluded(path: Path, settings: Settings) -> bool:
    """Whether ``--stdin-filename`` names a file that ``exclude`` or a ``.gitignore`` rules out."""
    return is_excluded(path, settings.root.resolve(), compile_patterns(settings.exclude))


def _real(path: Path) -> Path:
    """``path`` with its symlinks resolved; as given when they loop (reading it then says so)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path
