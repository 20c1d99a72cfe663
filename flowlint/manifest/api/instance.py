"""``manifest pull``: the installed plugins of a live Kestra, the EE versioned plugins page by page with
each version's details fetched a few at a time, else (open source) ``/api/v1/plugins``."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from flowlint.errors import UsageError
from flowlint.manifest.api.answers import Collector, UnknownShape
from flowlint.manifest.api.client import Client, NotFound, auth_from_env, base_url
from flowlint.manifest.api.convert import build_manifest, generated_at_now
from flowlint.manifest.writer import BuildResult

PAGE_SIZE = 100
PROGRESS_INTERVAL = 1.0
"""Seconds between two progress lines at least (and one line per 10 % at most)."""
WORKERS = 8
_PLUGINS_PATH = "plugins"
_VERSIONED_PATHS = ("instance/versioned-plugins", "cluster/versioned-plugins")


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


def pull(url: str, *, tenant: str | None, timeout: float, progress: Callable[[str], None]) -> BuildResult:
    """Read the installed plugins of the Kestra at ``url``: the EE versioned plugins with each version's
    classes, else (not EE) ``/api/v1/plugins``. Credentials come from the environment only."""
    if timeout <= 0:
        raise UsageError(f"--timeout must be more than 0 (got {timeout:g})")
    base = base_url(url)
    client = Client(base, timeout, auth_from_env())
    prefix = f"{urllib.parse.quote(tenant, safe='')}/" if tenant else ""
    collector = Collector()
    pulled_at = generated_at_now()

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
        for origin, detail in _get_details(client, list_path, wanted, progress):
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
    return build_manifest(collector, source, pulled_at, hint)


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
    client: Client, list_path: str, wanted: Sequence[tuple[str, str, str]], progress: Callable[[str], None]
) -> list[tuple[str, Any]]:
    """The details of every (groupId, artifactId, version), fetched a few at a time, in ``wanted`` order."""
    if not wanted:
        return []

    def fetch(item: tuple[str, str, str]) -> Any:
        path = "/".join([list_path, *(urllib.parse.quote(part, safe="") for part in item)])
        try:
            return client.get(path)
        except NotFound:
            return None

    meter = _Progress(progress, len(wanted), "plugin versions")
    found: dict[int, Any] = {}
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(wanted))) as pool:
        futures: dict[Future[Any], int] = {pool.submit(fetch, item): i for i, item in enumerate(wanted)}
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
    details = []
    for index, item in enumerate(wanted):
        origin = f"{client.base}/api/v1/{list_path}/{'/'.join(item)}"
        if found[index] is None:
            continue  # gone since the list: the version stays, without types (warned about by build)
        details.append((origin, found[index]))
    return details
