"""difflib's closest spelling among many names, kept linear: FL301's did-you-mean for flows of
thousands of task ids."""

from __future__ import annotations

import bisect
import heapq
from collections import Counter
from collections.abc import Iterable

FULL_SCAN = 100
"""Up to this many task ids, an unknown id is compared with every one of them."""
SHORTLIST = 16
"""Beyond FULL_SCAN task ids, an unknown id is compared with the SHORTLIST ids that share most trigrams
with it, and with its NEIGHBOURS."""
NEIGHBOURS = 4
"""How many ids on either side of an unknown id, in the ids sorted as written and sorted backwards, it is
compared with (those that share its beginning or its end, which trigrams held by too many ids miss)."""
COMMON_TRIGRAM = 256
"""A trigram held by more task ids than this tells too few apart: it does not put them on a shortlist."""


class Closest:
    """difflib's closest spelling (``get_close_matches``, cutoff 0.6) among ``names``: all of them when they
    are at most FULL_SCAN, else a shortlist of at most SHORTLIST + 4 * NEIGHBOURS drawn from indexes (a
    flow of thousands of tasks with thousands of unknown ids stays linear; the closest of a shortlist is
    the closest of all but for ties and near ties)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = sorted(names)
        self._index: dict[str, list[str]] | None = None
        self._backwards: list[str] = []

    def closest(self, word: str) -> str | None:
        """The name closest to ``word``, None when none is close enough."""
        return _best_match(word, self.names if len(self.names) <= FULL_SCAN else self._shortlist(word))

    def _shortlist(self, word: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for name in self.names:
                for trigram in _trigrams(name):
                    self._index.setdefault(trigram, []).append(name)
            self._backwards = sorted(name[::-1] for name in self.names)
        shared: Counter[str] = Counter()
        for trigram in _trigrams(word):
            holders = self._index.get(trigram, ())
            if len(holders) <= COMMON_TRIGRAM:
                shared.update(holders)
        # most trigrams shared first, then (as difflib ranks ties) the closest length, then the larger name
        by_count = shared.most_common()
        if len(by_count) > SHORTLIST:  # only the counts the SHORTLIST reaches are ranked further
            floor = -by_count[SHORTLIST - 1][1]
            by_count = by_count[: bisect.bisect_right(by_count, floor, key=lambda item: -item[1])]
        size = len(word)
        ranked = heapq.nlargest(SHORTLIST, [(count, -abs(len(name) - size), name) for name, count in by_count])
        found = {name: None for _, _, name in ranked}  # the likeliest first: the later ones are cut short
        at = bisect.bisect_left(self.names, word)
        found.update(dict.fromkeys(self.names[max(at - NEIGHBOURS, 0) : at + NEIGHBOURS]))
        at = bisect.bisect_left(self._backwards, word[::-1])
        found.update(dict.fromkeys(name[::-1] for name in self._backwards[max(at - NEIGHBOURS, 0) : at + NEIGHBOURS]))
        return list(found)


def _best_match(word: str, names: Iterable[str], cutoff: float = 0.6) -> str | None:
    """What ``difflib.get_close_matches(word, names, n=1, cutoff=cutoff)`` gives (the best ratio, the larger
    name on a tie), skipping the names whose cheap upper bounds of the ratio are already below the best."""
    import difflib

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best, found = cutoff, None
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < best or matcher.quick_ratio() < best:
            continue
        ratio = matcher.ratio()
        if ratio > best or (ratio == best and (found is None or name > found)):
            best, found = ratio, name
    return found


def _trigrams(name: str) -> set[str]:
    padded = f"\0\0{name}\0"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
