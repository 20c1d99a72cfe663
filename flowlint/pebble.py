"""A reader for the Pebble expressions inside a string: where each `outputs.<id>` reference is, to the
character. Nothing is evaluated.

:func:`expressions` finds the ``{{ … }}`` and ``{% … %}`` blocks of a string (``{# … #}`` comments and
``{% raw %}``/``{% verbatim %}`` sections are skipped, as Pebble skips them), :func:`tokens` reads the
text of a block, and :func:`output_refs` finds in them every path that starts at the bare identifier
``outputs``: ``outputs.task.value``, ``outputs['task-id'].uri``, ``outputs["x"]``,
``outputs.x[taskrun.value].value``. ``trigger.outputs.x``, ``execution.outputs``, ``parents[0].outputs``
are member accesses, not references to this flow's tasks, and are not returned.

Offsets are those of the string given; flowlint.scalar_text maps the string of a YAML scalar back to the
file.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<quote>['\"])|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<op>\?\?|.)",
    re.DOTALL,
)
"""One token at a position: blanks (skipped), a string's opening quote, a name, a number or an operator
(any other character, ``??`` as one)."""
_CLOSE_OR_QUOTE = {"}}": re.compile(r"\}\}|['\"]"), "%}": re.compile(r"%\}|['\"]")}
_QUOTE_OR_ESCAPE = {"'": re.compile(r"['\\]"), '"': re.compile(r'["\\]')}
_VERBATIM = re.compile(r"\{%-?\s*(raw|verbatim)\s*-?%\}")
_GUARD_TESTS = frozenset({"defined", "null", "empty"})


class Expression(NamedTuple):
    """One ``{{ … }}`` (``print``) or ``{% … %}`` (``tag``) block: offsets of the whole block and of
    the text between its delimiters."""

    kind: str
    start: int
    end: int
    body_start: int
    body_end: int


class Token(NamedTuple):
    """A lexical token of an expression: ``ident``, ``string`` (value unescaped), ``number``, ``op``."""

    kind: str
    value: str
    start: int
    end: int


class Segment(NamedTuple):
    """One accessor of a reference: ``.name`` or ``['name']`` (``name`` set), or a computed subscript
    such as ``[taskrun.value]`` (``name`` None). ``start``/``end`` cover the name itself (inside the
    quotes for a subscript string) or the whole computed subscript."""

    name: str | None
    start: int
    end: int
    bracket: bool


class OutputRef(NamedTuple):
    """``outputs`` followed by its accessors. ``segments[0]`` names the task (when written literally).

    ``guarded`` is true when the expression tolerates a missing value right there: ``?? fallback``
    after it or before it, ``is [not] defined|null|empty``, or ``| default(...)``.
    ``dashed`` is set when a dotted task id runs straight into ``-more``: ``outputs.my-task.uri`` is read
    by Pebble as ``outputs.my`` minus ``task.uri``; ``dashed`` is then ``my-task`` and ``dashed_end``
    where it ends.
    """

    start: int
    end: int
    segments: tuple[Segment, ...]
    guarded: bool = False
    dashed: str | None = None
    dashed_end: int = 0

    @property
    def task_id(self) -> str | None:
        """The task id, when the first accessor names it literally."""
        return self.segments[0].name if self.segments else None


def expressions(text: str) -> list[Expression]:
    """The Pebble blocks of ``text``, in order. An unclosed block runs to the end of the text."""
    found: list[Expression] = []
    i = 0
    n = len(text)
    while True:
        i = text.find("{", i)
        if i < 0 or i + 1 >= n:
            return found
        opener = text[i + 1]
        if opener == "#":
            close = text.find("#}", i + 2)
            i = n if close < 0 else close + 2
            continue
        if opener not in "{%":
            i += 1
            continue
        kind, closer = ("print", "}}") if opener == "{" else ("tag", "%}")
        body_start = i + 2
        body_end = _find_close(text, body_start, closer)
        end = min(n, body_end + 2)
        found.append(Expression(kind, i, end, body_start, body_end))
        if kind == "tag":
            verbatim = _VERBATIM.fullmatch(text, i, end)
            if verbatim is not None:
                end = _skip_verbatim(text, end, verbatim.group(1))
        i = end


def _find_close(text: str, start: int, closer: str) -> int:
    """The offset of ``closer`` ending the block whose body starts at ``start`` (strings skipped)."""
    pattern = _CLOSE_OR_QUOTE[closer]
    i = start
    while (found := pattern.search(text, i)) is not None:
        if found.group() == closer:
            return found.start()
        i = _string_end(text, found.start())
    return len(text)


def _skip_verbatim(text: str, start: int, name: str) -> int:
    end_tag = re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}")
    match = end_tag.search(text, start)
    return len(text) if match is None else match.end()


def _string_end(text: str, start: int) -> int:
    """The offset just past the string literal opening at ``start`` (backslash escapes honoured)."""
    pattern = _QUOTE_OR_ESCAPE[text[start]]
    i = start + 1
    while (found := pattern.search(text, i)) is not None:
        if found.group() != "\\":
            return found.end()
        i = found.start() + 2
    return len(text)


def tokens(text: str, start: int, end: int) -> list[Token]:
    """The tokens of the expression text ``text[start:end]`` (whitespace dropped)."""
    found: list[Token] = []
    i = start
    while i < end:
        match = _TOKEN.match(text, i, end)
        assert match is not None  # the last alternative takes any character
        kind = match.lastgroup
        if kind == "quote":
            stop = min(_string_end(text, i), end)
            found.append(Token("string", _unescape(text[i + 1 : max(i + 1, stop - 1)]), i, stop))
            i = stop
            continue
        if kind != "space":
            found.append(Token(str(kind), match.group(), i, match.end()))
        i = match.end()
    return found


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", r"\1", body)


def output_refs(text: str) -> list[OutputRef]:
    """Every ``outputs…`` reference in the Pebble blocks of ``text``, in order."""
    return root_refs(text, "outputs")


def root_refs(text: str, root: str) -> list[OutputRef]:
    """Every reference that starts at the bare identifier ``root`` (``outputs``, ``inputs``) in the Pebble
    blocks of ``text``, in order: ``trigger.inputs`` is a member access, not one."""
    return roots_refs(text, (root,))[0]


def roots_refs(text: str, roots: tuple[str, ...]) -> tuple[list[OutputRef], ...]:
    """:func:`root_refs` of each of ``roots``, each Pebble block lexed once for all of them."""
    found: tuple[list[OutputRef], ...] = tuple([] for _ in roots)
    for expression in expressions(text):
        start, end = expression.body_start, expression.body_end
        toks: list[Token] | None = None
        for root, refs in zip(roots, found, strict=True):
            if text.find(root, start, end) >= 0:  # else no token is
                toks = toks if toks is not None else tokens(text, start, end)
                refs.extend(_refs_in(text, toks, root))
    return found


def _refs_in(text: str, toks: list[Token], root: str) -> list[OutputRef]:
    found: list[OutputRef] = []
    for index, tok in enumerate(toks):
        if tok.kind != "ident" or tok.value != root:
            continue
        before = toks[index - 1] if index else None
        if before is not None and before.kind == "op" and before.value == ".":
            continue  # trigger.outputs, execution.outputs, parents[0].outputs, ...
        segments, after = _segments(toks, index + 1)
        dashed, dashed_end = _dashed(text, toks, index + 1, segments)
        guarded = (before is not None and before.kind == "op" and before.value == "??") or _guard_follows(toks, after)
        end = segments[-1].end if segments else tok.end
        if segments and segments[-1].bracket:
            end = toks[after - 1].end
        found.append(OutputRef(tok.start, end, tuple(segments), guarded, dashed, dashed_end))
    return found


def _segments(toks: list[Token], index: int) -> tuple[list[Segment], int]:
    """The accessors starting at token ``index``, and the index of the first token after them."""
    segments: list[Segment] = []
    n = len(toks)
    while index < n:
        tok = toks[index]
        if tok.kind == "op" and tok.value == "." and index + 1 < n and toks[index + 1].kind in ("ident", "number"):
            name = toks[index + 1]
            segments.append(Segment(name.value, name.start, name.end, bracket=False))
            index += 2
        elif tok.kind == "op" and tok.value == "[":
            close = _matching_bracket(toks, index)
            if close is None:
                break
            inner = toks[index + 1 : close]
            if len(inner) == 1 and inner[0].kind in ("string", "number"):
                item = inner[0]
                quoted = item.kind == "string"
                start, end = (item.start + 1, item.end - 1) if quoted else (item.start, item.end)
                segments.append(Segment(item.value, start, end, bracket=True))
            else:
                segments.append(Segment(None, tok.start, toks[close].end, bracket=True))
            index = close + 1
        else:
            break
    return segments, index


def _matching_bracket(toks: list[Token], index: int) -> int | None:
    depth = 0
    for position in range(index, len(toks)):
        tok = toks[position]
        if tok.kind != "op":
            continue
        if tok.value == "[":
            depth += 1
        elif tok.value == "]":
            depth -= 1
            if depth == 0:
                return position
    return None


def _dashed(text: str, toks: list[Token], index: int, segments: list[Segment]) -> tuple[str | None, int]:
    """``my-task`` for ``outputs.my-task…`` (no spaces around the minus signs), else None."""
    if not segments or segments[0].bracket or segments[0].name is None:
        return None, 0
    # the first segment is toks[index + 1]; look at what follows it directly
    position = index + 2
    name = segments[0].name
    end = segments[0].end
    while position + 1 < len(toks):
        minus, part = toks[position], toks[position + 1]
        if not (minus.kind == "op" and minus.value == "-" and minus.start == end):
            break
        if part.kind not in ("ident", "number") or part.start != minus.end:
            break
        name = f"{name}-{part.value}"
        end = part.end
        position += 2
    if end == segments[0].end:
        return None, 0
    return name, end


def _guard_follows(toks: list[Token], index: int) -> bool:
    if index >= len(toks):
        return False
    tok = toks[index]
    if tok.kind == "op" and tok.value == "??":
        return True
    if tok.kind == "op" and tok.value == "|":
        return index + 1 < len(toks) and toks[index + 1].kind == "ident" and toks[index + 1].value == "default"
    if tok.kind == "ident" and tok.value == "is":
        rest = [t.value for t in toks[index + 1 : index + 3] if t.kind == "ident"]
        if rest and rest[0] == "not":
            rest = rest[1:]
        return bool(rest) and rest[0] in _GUARD_TESTS
    return False
