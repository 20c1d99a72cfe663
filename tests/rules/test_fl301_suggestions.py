"""FL301's did-you-mean in flows of many tasks (issue 12, perf-fl301-quadratic.yml): the same suggestions
as comparing an unknown id with every task id, at a cost bounded per unknown id (counted here as the task
ids handed to difflib; the times are in bench/fix_scaling.py)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from flowlint.rules.closest import FULL_SCAN, NEIGHBOURS, SHORTLIST
from tests.conftest import lint

LOG = "io.kestra.plugin.core.log.Log"
WORDS = ["extract", "load", "transform", "notify", "fetch_orders", "upload-file", "cleanUp", "report"]


def flow(ids: Sequence[str], refs: Sequence[str]) -> str:
    tasks = [f"  - id: {task_id}\n    type: {LOG}\n    message: hi\n" for task_id in ids]
    tasks += [
        f'  - id: reader{n}\n    type: {LOG}\n    message: "{{{{ outputs.{ref}.value }}}}"\n'
        for n, ref in enumerate(refs)
    ]
    return "id: big\nnamespace: company.team\ntasks:\n" + "".join(tasks)


def every_id_compared(task_id: str, ids: Sequence[str]) -> str | None:
    """The suggestion as FL301 made it by comparing with every task id: the same id but for case, ``_``
    and ``-``, else difflib's closest spelling, else the closest squashed spelling."""

    def squash(name: str) -> str:
        return name.lower().replace("_", "").replace("-", "")

    squashed = {squash(name): name for name in reversed(ids)}
    if squash(task_id) in squashed:
        return squashed[squash(task_id)]
    close = difflib.get_close_matches(task_id, sorted(ids), n=1, cutoff=0.6)
    if close:
        return close[0]
    close = difflib.get_close_matches(squash(task_id), sorted(squashed), n=1, cutoff=0.6)
    return squashed[close[0]] if close else None


def suggestions(text: str) -> dict[str, str | None]:
    found = lint(text, select=["FL301"], dedent=False)
    return {
        d.message.split("'")[1]: d.help.removeprefix("did you mean '").removesuffix("'?") if d.help else None
        for d in found
    }


IDS = [f"{word}_{n}" for n in range(60) for word in WORDS]  # 480 task ids, far more than FULL_SCAN
UNKNOWN = [
    "extrac_7",  # a letter missing
    "lod_12",
    "transfrom_33",  # two swapped
    "Notify_40",  # case
    "fetch_order_59",
    "upload_file_3",  # `-` for `_`: the same when squashed
    "cleanup_21",  # case only: the same when squashed
    "reprt_5x",
    "x0q",  # nothing close
    "report",  # a prefix of many
    "t_12",
]


def test_suggestions_in_a_big_flow_are_those_of_comparing_every_id() -> None:
    assert len(IDS) > FULL_SCAN
    found = suggestions(flow(IDS, UNKNOWN))
    every_id = [*IDS, *(f"reader{n}" for n in range(len(UNKNOWN)))]
    assert found == {task_id: every_id_compared(task_id, every_id) for task_id in UNKNOWN}
    assert found["extrac_7"] == "extract_7" and found["upload_file_3"] == "upload-file_3" and found["x0q"] is None


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many task ids each search for a closest spelling compares with the unknown id: difflib's
    SequenceMatcher is given the unknown id once per search (set_seq2), then bounds the ratio of each
    candidate first (real_quick_ratio)."""
    counts: list[int] = []
    real_word: Callable[..., Any] = difflib.SequenceMatcher.set_seq2
    real_bound: Callable[..., float] = difflib.SequenceMatcher.real_quick_ratio

    def word(self: difflib.SequenceMatcher[str], b: str) -> None:
        if b:  # not the empty sequence the constructor sets
            counts.append(0)
        real_word(self, b)

    def bound(self: difflib.SequenceMatcher[str]) -> float:
        counts[-1] += 1
        return real_bound(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "set_seq2", word)
    monkeypatch.setattr(difflib.SequenceMatcher, "real_quick_ratio", bound)
    yield counts


def test_each_unknown_id_is_compared_with_a_bounded_shortlist_once(compared: list[int]) -> None:
    ids = [f"t{n}" for n in range(1000)]
    refs = [f"x{n}q" for n in range(1000)] + ["x456q"] * 50  # perf-fl301-quadratic.yml, one id read 51 times
    found = suggestions(flow(ids, refs))
    assert found["x123q"] == "t123" and found["x456q"] == "t456" and found["x0q"] is None
    # a search per unknown id, not per reference (and one more, squashed, when the first finds nothing)
    assert len(compared) == len(found) + sum(1 for close in found.values() if close is None)
    assert max(compared) <= SHORTLIST + 4 * NEIGHBOURS


def test_a_flow_of_few_tasks_compares_every_id(compared: list[int]) -> None:
    ids = [f"{word}_{n}" for n in range(10) for word in WORDS]
    found = suggestions(flow(ids, ["extrac_7", "lod_12"]))
    assert found == {"extrac_7": "extract_7", "lod_12": "load_2"}
    assert found == {task_id: every_id_compared(task_id, [*ids, "reader0", "reader1"]) for task_id in found}
    assert compared and set(compared) == {len(ids) + 2}  # every search compares every task id, the readers too
