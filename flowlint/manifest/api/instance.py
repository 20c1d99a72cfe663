"""``manifest pull``: the installed plugins of a live Kestra, the EE versioned plugins page by page with
each version's details fetched a few at a time, else (open source) ``/api/v1/plugins``; then the property
schema of each type at each version (``GET /api/v1/plugins/{cls}/versions/{version}`` for a versioned
plugin, else ``GET /api/v1/plugins/{cls}``), a few at a time too."""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from flowlint.errors import UsageError
from flowlint.manifest.api.answers import Collector, UnknownShape
from flowlint.manifest.api.client import Client, NotFound, auth_from_env, base_url
from flowlint.manifest.api.convert import build_manifest, generated_at_now
from flowlint.manifest.api.properties import (
    Described,
    NotASchema,
    add_sections,
    plugin_kinds,
    pulled_section,
    read_documentation,
    reusable,
    with_hidden,
)
from flowlint.manifest.model import KIND_OF_KEY, KINDS, Manifest
from flowlint.manifest.writer import BuildResult
from flowlint.versions import parse_version

PAGE_SIZE = 100
PROGRESS_INTERVAL = 1.0
"""Seconds between two progress lines at least (and one line per 10 % at most)."""
WORKERS = 8
BAR_WIDTH = 30
_PLUGINS_PATH = "plugins"
_VERSIONED_PATHS = ("instance/versioned-plugins", "cluster/versioned-plugins")
_SHOWN_FAILURES = 10
FAILURE_BUDGET = 10
"""Schema requests that may fail (after their retries) before flowlint asks for no more schemas."""


class _Progress:
    """At most one line a second and one per 10 %."""

    def __init__(self, report: Callable[[str], None], total: int, what: str) -> None:
        self.report, self.total, self.what = report, total, what
        self.last = time.monotonic()
        self.decile = 0

    def step(self, done: int) -> None:
        now = time.monotonic()
        decile = done * 10 // self.total
        if done < self.total and decile > self.decile and now - self.last >= PROGRESS_INTERVAL:
            self.report(f"flowlint: fetching {done}/{self.total} {self.what}...")
            self.last, self.decile = now, decile


class _Bar:
    """A bar redrawn in place (for a terminal), ended by a new line when all is done."""

    def __init__(self, write: Callable[[str], None], total: int, what: str) -> None:
        self.write, self.total, self.what = write, total, what

    def step(self, done: int) -> None:
        filled = done * BAR_WIDTH // self.total
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        self.write(f"\rflowlint: fetching [{bar}] {done}/{self.total} {self.what}")
        if done == self.total:
            self.write("\n")


@dataclass(frozen=True)
class Reporter:
    """Where progress goes: lines (``progress``), or a bar (``bar``, raw text) when stderr is a terminal."""

    progress: Callable[[str], None]
    bar: Callable[[str], None] | None = None

    def meter(self, total: int, what: str) -> _Progress | _Bar:
        """A meter of ``total`` requests for ``what``."""
        return _Bar(self.bar, total, what) if self.bar is not None else _Progress(self.progress, total, what)


def pull(
    url: str,
    *,
    tenant: str | None,
    timeout: float,
    progress: Callable[[str], None],
    bar: Callable[[str], None] | None = None,
    properties: bool = True,
    old: Manifest | None = None,
) -> BuildResult:
    """Read the installed plugins of the Kestra at ``url``: the EE versioned plugins with each version's
    classes, else (not EE) ``/api/v1/plugins``; then (``properties``) each type's property schema at each
    version, reusing what ``old`` says of a version it lists with the same types. Progress goes to
    ``bar`` when given, else to ``progress`` as lines. Credentials come from the environment only."""
    if timeout <= 0:
        raise UsageError(f"--timeout must be more than 0 (got {timeout:g})")
    base = base_url(url)
    client = Client(base, timeout, auth_from_env())
    prefix = f"{urllib.parse.quote(tenant, safe='')}/" if tenant else ""
    collector = Collector()
    pulled_at = generated_at_now()
    reporter = Reporter(progress, bar)

    listing = None
    for path in _VERSIONED_PATHS:
        try:
            listing = (prefix + path, _get_all_pages(client, prefix + path))
            break
        except NotFound:
            continue
    plugins_path = prefix + _PLUGINS_PATH
    if listing is None:
        try:
            answer = client.get(plugins_path)
        except NotFound as error:
            raise UsageError(
                f"404 Not Found from {error.url} (and from the versioned-plugins API): "
                f"is {base} a Kestra server{' with tenant ' + tenant if tenant else ''}?"
            ) from None
        _add(collector, answer, f"{base}/api/v1/{plugins_path}")
        collector.warnings.append(
            f"{base} has no versioned-plugins API (not Kestra Enterprise, or plugin management is off): "
            f"read {base}/api/v1/{plugins_path} instead, which gives each plugin's loaded version only"
        )
    else:
        list_path, results = listing
        _add(collector, {"total": len(results), "results": results}, f"{base}/api/v1/{list_path}")
        wanted = [
            (plugin.group_id, plugin.artifact_id, version.text)
            for plugin in collector.plugins.values()
            for version in plugin.versions.values()
        ]
        for origin, detail in _get_details(client, list_path, wanted, reporter):
            _add(collector, detail, origin)
        # The core plugin and the aliases are only in /api/v1/plugins; not fatal when it fails.
        try:
            _add(collector, client.get(plugins_path), f"{base}/api/v1/{plugins_path}")
        except (NotFound, UsageError) as error:
            reason = f"404 Not Found from {error.url}" if isinstance(error, NotFound) else str(error)
            collector.warnings.append(f"the core plugin and aliases are missing: {reason}")

    try:
        config = client.get("configs")
        if isinstance(config, dict) and isinstance(config.get("version"), str):
            collector.kestra_version = config["version"]
    except (NotFound, UsageError):
        pass
    source = f"Kestra at {base}{', tenant ' + tenant if tenant else ''}, pulled {pulled_at}"
    hint = "their details could not be read; pull again, or add their types by hand"
    result = build_manifest(collector, source, pulled_at, hint)
    if properties:
        versioned = set() if listing is None else {_coordinates(item) for item in listing[1]}
        fetcher = _SchemaFetcher(client, prefix, versioned, plugin_kinds(result.data), collector.kestra_version)
        sections = fetcher.sections(result.data, old, reporter, f"pulled from {base} on {pulled_at[:10]}")
        add_sections(result.data, sections)
        result.warnings.extend(fetcher.warnings())
    return result


def _coordinates(item: Any) -> str:
    return f"{item.get('groupId')}:{item.get('artifactId')}" if isinstance(item, dict) else ""


_Job = tuple[str, str, str, str]
"""(groupId:artifactId, version, type, kind) of one schema to read."""


@dataclass(frozen=True)
class _Failed:
    """Why a schema request gave no answer (``skipped``: not asked, the failure budget being spent)."""

    reason: str
    skipped: bool = False


class _SchemaFetcher:
    """The property schemas of every type and version of the non-core plugins of a pulled manifest: each
    URL asked once; after FAILURE_BUDGET failed requests, no more are asked."""

    def __init__(
        self, client: Client, prefix: str, versioned: set[str], kinds: dict[str, str], kestra: str | None
    ) -> None:
        self.client, self.prefix, self.versioned, self.kinds, self.kestra = client, prefix, versioned, kinds, kestra
        self.failures: list[str] = []
        self.undescribed = 0
        self.failed_requests = 0
        self.lock = threading.Lock()

    def sections(
        self, data: dict[str, Any], old: Manifest | None, reporter: Reporter, source: str
    ) -> dict[str, dict[str, Any]]:
        """Each plugin's section (by ``group:artifact``), from ``old`` where it can be reused. Without the
        versioned-plugins API, a schema describes the version Kestra loads (the newest listed) only."""
        described: dict[str, dict[str, dict[str, Described]]] = {}
        jobs: dict[str, list[_Job]] = {}
        for plugin in data["plugins"]:
            if plugin.get("core"):
                continue
            coordinates = f"{plugin['groupId']}:{plugin['artifactId']}"
            by_version = described.setdefault(coordinates, {})
            versioned = coordinates in self.versioned
            loaded = None if versioned else _newest([v["version"] for v in plugin["versions"]])
            for version in plugin["versions"]:
                text = version["version"]
                types = {t: KIND_OF_KEY[key] for key in KINDS for t in version.get(key, ())}
                kept = reusable(old, coordinates, text, types) if old is not None else None
                if kept is not None:
                    by_version[text] = kept
                elif versioned or text == loaded:
                    for type_name, kind in sorted(types.items()):
                        path = self._path(type_name, text if versioned else None)
                        jobs.setdefault(path, []).append((coordinates, text, type_name, kind))
        paths = list(jobs)
        for path, answer in zip(paths, _concurrently(paths, self._get, reporter, "property schemas"), strict=True):
            for job in jobs[path]:
                found = self._read(path, answer, job)
                if found is not None:
                    described[job[0]].setdefault(job[1], {})[job[2]] = found
        versions = {f"{p['groupId']}:{p['artifactId']}": [v["version"] for v in p["versions"]] for p in data["plugins"]}
        return {
            coordinates: pulled_section(versions[coordinates], by_version, source)
            for coordinates, by_version in described.items()
            if by_version
        }

    def _path(self, type_name: str, version: str | None) -> str:
        path = f"{self.prefix}plugins/{urllib.parse.quote(type_name, safe='')}"
        return path if version is None else f"{path}/versions/{urllib.parse.quote(version, safe='')}"

    def _get(self, path: str) -> Any:
        """The answer at ``path``, or why there is none (a failed request counts against the budget)."""
        if self._spent():
            return _Failed("not asked", skipped=True)
        try:
            return self.client.get(path, give_up=self._spent)
        except NotFound:
            return _Failed(f"404 Not Found from {self.client.base}/api/v1/{path}")
        except UsageError as error:
            with self.lock:
                self.failed_requests += 1
            return _Failed(str(error))

    def _spent(self) -> bool:
        """Whether FAILURE_BUDGET requests have failed (no more are asked, none is tried again)."""
        with self.lock:
            return self.failed_requests >= FAILURE_BUDGET

    def _read(self, path: str, answer: Any, job: _Job) -> Described | None:
        coordinates, version, type_name, kind = job
        url = f"{self.client.base}/api/v1/{path}"
        if isinstance(answer, _Failed):
            reason = answer.reason
        else:
            try:
                described = read_documentation(answer, type_name, kind, self.kinds, self.kestra)
                return with_hidden(described, coordinates, type_name, version)
            except NotASchema:
                reason = f"{url} answered with JSON that is not a plugin schema"
            except Exception as error:  # one unreadable answer costs its type version only, never the pull
                reason = f"{url} answered with a schema flowlint cannot read ({type(error).__name__})"
        self.undescribed += 1
        if not (isinstance(answer, _Failed) and answer.skipped):
            self.failures.append(f"{type_name} {version} ({coordinates.split(':', 1)[1]}): {reason}")
        return None

    def warnings(self) -> list[str]:
        """One warning per type and version without property data (the first few, then how many more); one
        in all when the failure budget stopped the requests."""
        found = sorted(self.failures)
        if self._spent():
            return [
                f"no property data for {self.undescribed} type versions: {FAILURE_BUDGET} schema requests failed "
                f"(the first: {found[0].split(': ', 1)[1]}), so flowlint stopped asking for schemas: "
                "flowlint checks no properties of them"
            ]
        lines = [f"no property data for {f}: flowlint checks no properties of it there" for f in found]
        if len(found) > _SHOWN_FAILURES:
            lines[_SHOWN_FAILURES:] = [f"no property data for {len(found) - _SHOWN_FAILURES} more type versions"]
        return lines


def _newest(versions: Sequence[str]) -> str | None:
    """The newest of ``versions`` (the one Kestra loads by default), None when none is a version."""
    parsed = [(v, p) for v in versions if (p := parse_version(v)) is not None]
    return max(parsed, key=lambda item: item[1].sort_key)[0] if parsed else None


def _add(collector: Collector, data: Any, origin: str) -> None:
    try:
        collector.add(data, origin)
    except UnknownShape:
        raise UsageError(f"{origin} answered with JSON that is not the Kestra answer expected") from None


def _get_all_pages(client: Client, path: str) -> list[Any]:
    results: list[Any] = []
    for page in range(1, 10_000):
        answer = client.get(path, {"page": page, "size": PAGE_SIZE})
        if not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            raise UsageError(f"{client.base}/api/v1/{path} answered with JSON that is not a list of versioned plugins")
        results.extend(answer["results"])
        total = answer.get("total")
        if not answer["results"] or not isinstance(total, int) or len(results) >= total:
            break
    return results


def _get_details(
    client: Client, list_path: str, wanted: Sequence[tuple[str, str, str]], reporter: Reporter
) -> list[tuple[str, Any]]:
    """The details of every (groupId, artifactId, version), fetched a few at a time, in ``wanted`` order."""

    def fetch(item: tuple[str, str, str]) -> Any:
        path = "/".join([list_path, *(urllib.parse.quote(part, safe="") for part in item)])
        try:
            return client.get(path)
        except NotFound:
            return None

    details = []
    for item, found in zip(wanted, _concurrently(wanted, fetch, reporter, "plugin versions"), strict=True):
        if found is None:
            continue  # gone since the list: the version stays, without types (warned about by build)
        details.append((f"{client.base}/api/v1/{list_path}/{'/'.join(item)}", found))
    return details


def _concurrently(items: Sequence[Any], fetch: Callable[[Any], Any], reporter: Reporter, what: str) -> list[Any]:
    """``fetch`` of every item, WORKERS at a time, in ``items`` order; the first error stops them all."""
    if not items:
        return []
    meter = reporter.meter(len(items), what)
    found: dict[int, Any] = {}
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(items))) as pool:
        futures: dict[Future[Any], int] = {pool.submit(fetch, item): i for i, item in enumerate(items)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                error = future.exception()
                if error is not None:
                    for other in pending:
                        other.cancel()
                    raise error
                found[futures[future]] = future.result()
            meter.step(len(found))
    return [found[index] for index in range(len(items))]
