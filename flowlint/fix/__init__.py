"""Fixes: text edits over character ranges taken from node marks, applied only where they are safe.

Overlapping edits are dropped (the first wins) and the rest are applied in one pass (:mod:`.plan`,
:mod:`flowlint.edits`). Every result is composed again by the parser ``check`` uses and its node trees
must be the original ones with exactly the intended changes, otherwise the file is refused and not
written (:mod:`.proof`). A file Kestra cannot parse (FL001) is not fixed at all (:mod:`.text`). Files
keep their BOM and encoding (:mod:`.files`) and are written through a temporary file beside them,
renamed over them (:mod:`.run`); ``--diff`` builds its hunks from the places the edits changed
(:mod:`.diff`).

Three kinds of runs: the fixes that findings carry (FL107, FL108, FL201; FL202 only with unsafe
fixes), ``pin`` (an explicit ``version`` on every unpinned versioned plugin, the version it resolves
to now) and ``upgrade`` (rewrite the pins of one plugin). Everything is linear in the size of the file.
"""

from flowlint.edits import apply_edits
from flowlint.fix.files import FileFix, encode_like, encoding_of, fix_file, unified_diff
from flowlint.fix.plan import FixOptions, Planned, Upgrade, select_edits
from flowlint.fix.proof import FixRefused, verify
from flowlint.fix.text import Change, fix_text

__all__ = [
    "Change",
    "FileFix",
    "FixOptions",
    "FixRefused",
    "Planned",
    "Upgrade",
    "apply_edits",
    "encode_like",
    "encoding_of",
    "fix_file",
    "fix_text",
    "select_edits",
    "unified_diff",
    "verify",
]
