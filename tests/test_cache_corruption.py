"""A damaged cache (a changed byte, junk, a truncated file) costs time, never a wrong result or an error:
the next run prints exactly what an uncached run prints, and leaves the cache repaired."""

from __future__ import annotations

import marshal
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from flowlint.cache import ResultCache
from flowlint.stamps import file_key
from tests.cli.conftest import check, five_findings_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A flow with five findings, a non-flow YAML file, the standard manifest and a config naming it."""
    return five_findings_project(tmp_path)


def only(folder: Path, pattern: str) -> Path:
    (found,) = (folder / ".flowlint_cache").glob(pattern)
    return found


def from_the_cache(project: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """A cached run with ``--verbose``, and how many of its 2 files came from the cache."""
    done = check(project, "--verbose")
    counted = re.search(r"checked 2 files \((\d+) from the cache\)", done.stderr)
    assert counted is not None, done.stderr
    return done, int(counted.group(1))


def assert_as_uncached(project: Path, uncached: subprocess.CompletedProcess[str]) -> None:
    """The next cached run prints what ``uncached`` printed, and the one after it reads both files back."""
    again = check(project)
    assert (again.returncode, again.stdout, again.stderr) == (uncached.returncode, uncached.stdout, uncached.stderr)
    repaired, hits = from_the_cache(project)
    assert (repaired.returncode, repaired.stdout, hits) == (uncached.returncode, uncached.stdout, 2)


def keys(project: Path) -> list[str]:
    """The cache keys of the project's files."""
    return [file_key(f"flows/{p.name}", p.read_bytes()) for p in sorted((project / "flows").iterdir())]


def replace_once(old: bytes, new: bytes) -> Callable[[bytes, list[str]], bytes]:
    def change(data: bytes, keys: list[str]) -> bytes:
        assert old in data
        return data.replace(old, new, 1)

    return change


PACK_DAMAGE: dict[str, Callable[[bytes, list[str]], bytes]] = {
    "a changed severity": replace_once(b"warning", b"wArning"),  # the fuzz reproducer: exit 3 before
    "a changed message": replace_once(b"duplicate task id", b"duplicate TASK id"),  # printed as cached before
    "junk appended": lambda data, keys: data + b"junk",
    "truncated": lambda data, keys: data[: len(data) // 2],
    "a pack of junk entries": lambda data, keys: marshal.dumps(dict.fromkeys(keys, 7)),  # exit 3 before
    "another version of the format": replace_once(b"flowlint results pack 2\n", b"flowlint results pack 9\n"),
    "a changed byte in the header": lambda data, keys: data.replace(keys[0].encode(), keys[0][::-1].encode(), 1),
}


@pytest.mark.parametrize("damage", PACK_DAMAGE.values(), ids=PACK_DAMAGE.keys())
def test_a_damaged_pack_is_ignored_and_rewritten(project: Path, damage: Callable[[bytes, list[str]], bytes]) -> None:
    uncached = check(project, "--no-cache")
    assert uncached.returncode == 1
    assert "flows/f.yml:12:9: FL005 [error] duplicate task id 'a' (first used at line 4)" in uncached.stdout
    check(project)
    pack = only(project, "results-*.pack")
    pack.write_bytes(damage(pack.read_bytes(), keys(project)))
    assert_as_uncached(project, uncached)


def test_a_damaged_entry_costs_only_its_own_file(project: Path) -> None:
    """Each entry carries its own checksum: the other files still come from the cache."""
    uncached = check(project, "--no-cache")
    check(project)
    pack = only(project, "results-*.pack")
    pack.write_bytes(replace_once(b"duplicate task id", b"duplicate TASK id")(pack.read_bytes(), []))
    damaged, hits = from_the_cache(project)
    assert (damaged.returncode, damaged.stdout, hits) == (uncached.returncode, uncached.stdout, 1)
    repaired, hits = from_the_cache(project)
    assert (repaired.returncode, repaired.stdout, hits) == (uncached.returncode, uncached.stdout, 2)


def entry(*diagnostic: Any, excerpts: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """A cache entry of flows/f.yml (the fields of result_to_data) with this one finding, or none."""
    return ("flows/f.yml", (diagnostic,) if diagnostic else (), 1, 1, excerpts, False, 0)


CODE, WHERE, TAIL = ("FL005", "duplicate-id"), ("flows/f.yml", (12, 9, 12, 10, 0, 0)), ("tasks[3].id", None, ())
BAD_ENTRIES: dict[str, Any] = {
    "not a tuple": 7,
    "five fields (the format before invalid)": entry()[:5],
    "six fields (the format before the count of plugin uses without property data)": entry()[:6],
    "a count of plugin uses without property data that is no number": (*entry()[:6], "1"),
    "an unknown severity": entry(*CODE, "wArning", "duplicate task id 'a'", *WHERE, *TAIL, None),
    "a message that is no text": entry(*CODE, "error", 42, *WHERE, *TAIL, None),
    "a line that is no number": entry(*CODE, "error", "dup", "flows/f.yml", ("12", 9, 12, 10, 0, 0), *TAIL, None),
    "a fix of the wrong shape": entry(*CODE, "error", "duplicate task id 'a'", *WHERE, *TAIL, ("quote", True)),
    "excerpts that are no lines": entry(excerpts=(("10", "  - id: a"),)),
}


def put_entry(project: Path, data: Any) -> None:
    """Give flows/f.yml this entry in the project's pack, through the cache itself (its checksum holds)."""
    pack = only(project, "results-*.pack")
    cache = ResultCache(pack.parent, pack.stem.removeprefix("results-"))
    cache.put_data(file_key("flows/f.yml", (project / "flows" / "f.yml").read_bytes()), data)
    cache.save()


@pytest.mark.parametrize("data", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_an_entry_that_does_not_decode_is_dropped_and_recomputed(project: Path, data: Any) -> None:
    uncached = check(project, "--no-cache")
    check(project)
    put_entry(project, data)
    assert_as_uncached(project, uncached)


def test_a_well_formed_entry_is_what_a_run_reads(project: Path) -> None:
    """The entries above are read where they are put: one of the right shape is printed as cached (the
    cache checks the shape of what it reads, the checksum that its bytes are the ones it wrote)."""
    check(project)
    put_entry(project, entry(*CODE, "error", "from the cache", *WHERE, *TAIL, None))
    assert check(project, "--format", "concise").stdout.splitlines()[0] == (
        "flows/f.yml:12:9: FL005 [error] from the cache"
    )


STAMPS_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "a byte that is not ASCII": lambda data: b"\xff" + data[1:],
    "a junk line": lambda data: data + b"not a stamp\n",
    "truncated in a line": lambda data: data[:40],
}


@pytest.mark.parametrize("damage", STAMPS_DAMAGE.values(), ids=STAMPS_DAMAGE.keys())
def test_damaged_validation_stamps_are_rewritten(project: Path, damage: Callable[[bytes], bytes]) -> None:
    uncached = check(project, "--no-cache")
    check(project)
    stamps = only(project, "validated")
    written = stamps.read_bytes()
    assert re.fullmatch(rb"([0-9a-f]{32}\n){2}", written)  # the config's and the manifest's
    stamps.write_bytes(damage(written))
    again = check(project)
    assert (again.returncode, again.stdout, again.stderr) == (uncached.returncode, uncached.stdout, uncached.stderr)
    assert stamps.read_bytes() == written
    check(project)
    assert stamps.read_bytes() == written
