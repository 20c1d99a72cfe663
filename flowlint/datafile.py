"""Reading the data files flowlint is given (manifests, configs, ``pyproject.toml``, Kestra's
``application.yml``, saved API answers) as plain Python data, and validating them by schema.

Data files get the limits flows get (flowlint.source): collections nested at most ``MAX_NESTING``
levels, at most ``MAX_COLLECTION_ALIASES`` aliases to collections, numbers of at most
``MAX_NUMBER_LENGTH`` characters. YAML is composed by the flows' parser (libyaml, depth checked before
it recurses) and built into data here without recursion; JSON and TOML are bounded before and while
they are parsed. Whatever breaks a limit or does not parse is a UsageError naming the file, with the
line and column where they are known.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.errors import UsageError
from flowlint.source import MAX_COLLECTION_ALIASES, MAX_NESTING, MAX_NUMBER_LENGTH, compose, too_deep
from flowlint.stamps import Stamps

if TYPE_CHECKING:
    from flowlint.diagnostics import Span

_NESTED = f"collections nested deeper than {MAX_NESTING} levels"
_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_MERGE = _TAG + "merge"
_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}
"""What ``!!bool`` accepts (ruamel's safe loader's table: YAML 1.1 words too)."""
_JSON_TOKEN = r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]'
"""A JSON string or a bracket (compiled when an error needs it)."""
_STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_QUOTES_OR_BRACKETS = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_FRAMES_PER_LEVEL = 4
"""Python frames a parser may spend per level of nesting (tomllib: 3; json's C scanner: 1)."""
_RECURSION_LIMIT = threading.Lock()


def load_data(path: Path, what: str) -> Any:
    """Read a JSON, TOML or YAML file into plain Python data; a UsageError naming the file otherwise."""
    return parse_data(read_bytes(path, what), path, what)


def read_bytes(path: Path, what: str) -> bytes:
    """The content of ``path``; a UsageError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {_name(what, path)}: {error.strerror or error}") from None


def parse_data(raw: bytes, path: Path, what: str) -> Any:
    """JSON (``.json``), TOML (``.toml``) or else YAML ``raw`` content of ``path`` as plain Python data.

    ``what`` names the kind of file in messages ("manifest", "config"; "" for the path alone).
    """
    if path.suffix == ".json":
        return parse_json(raw, path, what)
    name = _name(what, path)
    text = _text(raw, name)
    return _toml(text, name) if path.suffix == ".toml" else _yaml(text, name)


def parse_json(raw: bytes, path: Path, what: str) -> Any:
    """``raw`` JSON content of ``path`` (named as in :func:`parse_data`) as plain Python data."""
    name = _name(what, path)
    text = _text(raw, name)
    try:
        with _levels(_json_depth(raw)):  # json.loads recurses
            return json.loads(text, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as error:
        raise UsageError(f"{name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    except _TooDeep as error:
        raise _at_offset(name, text, _deepest(text), str(error)) from None
    except _NumberTooLong as error:
        raise _at_offset(name, text, text.find(error.written), str(error)) from None


def _name(what: str, path: Path) -> str:
    return f"{what} {path}" if what else str(path)


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None


class _NumberTooLong(Exception):
    def __init__(self, written: str) -> None:
        super().__init__(f"a number of {len(written)} characters (at most {MAX_NUMBER_LENGTH})")
        self.written = written


def _bounded(written: str) -> str:
    if len(written) > MAX_NUMBER_LENGTH:
        raise _NumberTooLong(written)
    return written


def _json_int(written: str) -> int:
    return int(_bounded(written))


def _json_float(written: str) -> float:
    return float(_bounded(written))


def _json_depth(raw: bytes) -> int:
    """How deep the arrays and objects of JSON ``raw`` may nest (exactly, past a few hundred levels);
    ``_TooDeep`` beyond ``MAX_NESTING``.

    At C speed: escaped backslashes and quotes dropped, then every byte but quotes and brackets; the
    strings (between pairs of quotes) cut out and the brackets left summed as +1/-1.
    """
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    compact = raw.translate(None, _NOT_QUOTES_OR_BRACKETS)
    bound = compact.count(b"[") + compact.count(b"{")
    if bound <= 200:
        return bound
    outside = b"".join(compact.split(b'"')[::2]).translate(_BRACKET_STEPS)
    depth = max(accumulate(memoryview(outside).cast("b")), default=0)
    if depth > MAX_NESTING:
        raise _TooDeep(_NESTED)
    return depth


class _TooDeep(Exception):
    pass


def _deepest(text: str) -> int:
    """The offset of the first bracket of JSON ``text`` deeper than ``MAX_NESTING``."""
    level = 0
    for token in re.finditer(_JSON_TOKEN, text, re.DOTALL):
        level += _STEPS.get(token.group(), 0)
        if level > MAX_NESTING:
            return token.start()
    return 0


def _at_offset(name: str, text: str, offset: int, reason: str) -> UsageError:
    line, column = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    return UsageError(f"{name}:{line}:{column}: {reason}")


@contextmanager
def _levels(depth: int) -> Iterator[None]:
    """Room on the interpreter's stack for a parser (or a repr) that recurses ``depth`` levels.

    The recursion limit is the process's: raised and restored under a lock, so that a thread (the
    language server's) never lowers it under another one still deep in its data.
    """
    needed = depth * _FRAMES_PER_LEVEL
    if needed <= 200:
        yield
        return
    with _RECURSION_LIMIT:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(limit + needed)
        try:
            yield
        finally:
            sys.setrecursionlimit(limit)


def _toml(text: str, name: str) -> Any:
    import tomllib

    try:
        with _levels(min(text.count("[") + text.count("{"), MAX_NESTING)):
            data = tomllib.loads(text, parse_float=_json_float)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{name}: {error}") from None
    except RecursionError:
        raise UsageError(f"{name}: {_NESTED}") from None
    except _NumberTooLong as error:
        raise UsageError(f"{name}: {error}") from None
    except ValueError:  # tomllib's int() of more digits than Python converts
        raise UsageError(f"{name}: a number of more than {MAX_NUMBER_LENGTH} characters") from None
    _check_toml(data, name)
    return data


def _check_toml(data: Any, name: str) -> None:
    """The limits on what tomllib built: nesting (dotted keys nest without recursing) and integers."""
    too_long = 10**MAX_NUMBER_LENGTH
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_NESTING:
                raise UsageError(f"{name}: {_NESTED}")
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
        elif isinstance(value, int) and abs(value) >= too_long:
            raise UsageError(f"{name}: a number of more than {MAX_NUMBER_LENGTH} characters")


def _yaml(text: str, name: str) -> Any:
    span = too_deep(text)
    if span is not None:
        raise _at(name, span, _NESTED)
    documents, error = compose(text)
    if error is not None:
        raise _at(name, error.span, f"invalid YAML: {error.message}")
    if len(documents) > 1:
        raise _node_error(name, documents[1], "a second YAML document: a data file holds one")
    return _Builder(name).build(documents[0]) if documents else None


def _at(name: str, span: Span, reason: str) -> UsageError:
    return UsageError(f"{name}:{span.line}:{span.column}: {reason}")


def _node_error(name: str, node: Node, reason: str) -> UsageError:
    mark = node.start_mark
    return UsageError(f"{name}:{mark.line + 1}:{mark.column + 1}: {reason}")


class _Builder:
    """Composed YAML nodes to plain data, as ruamel's safe loader builds it, without recursing.

    Collections are built after their children (an explicit stack); an alias shares the data of its
    anchor, and more than ``MAX_COLLECTION_ALIASES`` aliases to collections (a YAML bomb) or an alias
    inside its own anchor is an error. Timestamps stay text; tags beyond YAML's core schema are errors.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.built: dict[int, Any] = {}
        """id(collection node) -> its data, once built."""

    def build(self, root: Node) -> Any:
        """The data of the document ``root``."""
        if isinstance(root, ScalarNode):
            return self.scalar(root)
        opened: set[int] = set()
        aliases = 0
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_built = stack.pop()
            if children_built:
                self.built[id(node)] = self.mapping(node) if isinstance(node, MappingNode) else self.sequence(node)
                continue
            if id(node) in self.built:
                aliases += 1
                if aliases > MAX_COLLECTION_ALIASES:
                    reason = f"more than {MAX_COLLECTION_ALIASES} aliases to collections (a YAML bomb?)"
                    raise _node_error(self.name, node, reason)
                continue
            if id(node) in opened:
                raise _node_error(self.name, node, "an alias inside the collection it names (a recursive structure)")
            opened.add(id(node))
            stack.append((node, True))
            children = [v for pair in node.value for v in pair] if isinstance(node, MappingNode) else node.value
            stack.extend((child, False) for child in reversed(children) if not isinstance(child, ScalarNode))
        return self.built[id(root)]

    def value(self, node: Node) -> Any:
        return self.scalar(node) if isinstance(node, ScalarNode) else self.built[id(node)]

    def sequence(self, node: Node) -> list[Any]:
        self.check_tag(node, "seq")
        return [self.value(item) for item in node.value]

    def mapping(self, node: MappingNode) -> dict[Any, Any]:
        self.check_tag(node, "map")
        merged: dict[Any, Any] = {}
        own: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _node_error(self.name, key_node, "a list or mapping as a mapping key")
            if key_node.tag == _MERGE:
                for key, value in self.merge_sources(value_node):
                    merged.setdefault(key, value)
                continue
            key = self.scalar(key_node)
            if key in own:
                raise _node_error(self.name, key_node, f"duplicate key {key!r} (first at line {lines[key]})")
            own[key] = self.value(value_node)
            lines[key] = key_node.start_mark.line + 1
        return {**merged, **own} if merged else own

    def merge_sources(self, node: Node) -> Iterator[tuple[Any, Any]]:
        """The pairs ``<<: value`` brings in: a mapping's, or those of a list of mappings (first wins)."""
        for source in node.value if isinstance(node, SequenceNode) else [node]:
            if not isinstance(source, MappingNode):
                raise _node_error(self.name, source, "`<<` merges a mapping or a list of mappings")
            yield from self.built[id(source)].items()

    def check_tag(self, node: Node, kind: str) -> None:
        tag = node.tag
        if tag is not None and tag != _TAG + kind:
            shape = "a mapping" if kind == "map" else "a list"
            raise _node_error(self.name, node, f"unsupported tag {_short(tag)} on {shape}")

    def scalar(self, node: ScalarNode) -> Any:
        """The value of a scalar by its (resolved or explicit) tag."""
        tag = node.tag or ""
        text: str = node.value
        if tag == _STR:
            return text
        if not tag.startswith(_TAG):
            if tag in ("", "!"):
                return text
            raise _node_error(self.name, node, f"unsupported tag {tag}")
        kind = tag[len(_TAG) :]
        if kind in ("timestamp", "value", "merge"):
            return text
        if kind == "null":
            return None
        if kind == "bool":
            if text.lower() not in _BOOLEANS:
                raise _node_error(self.name, node, f"{text!r} is not a boolean (tagged !!bool)")
            return _BOOLEANS[text.lower()]
        if kind in ("int", "float"):
            return self.number(node, kind)
        raise _node_error(self.name, node, f"unsupported tag {_short(tag)}")

    def number(self, node: ScalarNode, kind: str) -> int | float:
        text: str = node.value
        try:
            written = _bounded(text.replace("_", ""))
        except _NumberTooLong as error:
            raise _node_error(self.name, node, str(error)) from None
        try:
            return _yaml_int(written) if kind == "int" else _yaml_float(written)
        except ValueError:
            what = "an integer" if kind == "int" else "a number"
            raise _node_error(self.name, node, f"{text!r} is not {what} (tagged !!{kind})") from None


def _yaml_int(written: str) -> int:
    """A YAML 1.2 integer: decimal, or ``0b``/``0o``/``0x`` with a sign before the prefix."""
    sign = -1 if written.startswith("-") else 1
    digits = written[1:] if written[:1] in ("-", "+") else written
    base = {"0b": 2, "0o": 8, "0x": 16}.get(digits[:2].lower(), 10)
    return sign * int(digits if base == 10 else digits[2:], base)


def _yaml_float(written: str) -> float:
    """A YAML 1.2 float, ``.inf`` and ``.nan`` included."""
    lowered = written.lower()
    if lowered.lstrip("+-") in (".inf", ".nan"):
        return float(lowered.replace(".", ""))
    return float(written)


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def schema(name: str) -> dict[str, Any]:
    """One of flowlint's JSON Schemas (``manifest``, ``config``, ``report``).

    Installed, they are the package ``flowlint.schemas``; in an editable install, the ``schemas/``
    folder beside the package.
    """
    filename = f"{name}.schema.json"
    try:
        text = resources.files("flowlint.schemas").joinpath(filename).read_text("utf-8")
    except ModuleNotFoundError:
        text = (Path(__file__).resolve().parent.parent / "schemas" / filename).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(data: Any, name: str, what: str, stamps: Stamps | None = None, content: bytes | None = None) -> None:
    """Check ``data`` against schema ``name``; a UsageError with the JSON path and reason otherwise.

    With ``stamps`` and the file's ``content``, a file that passed before is not validated again (and
    jsonschema is not even imported).
    """
    stamp = stamps.key(name, content) if stamps is not None and content is not None else None
    if stamp is not None and stamps is not None and stamp in stamps:
        return
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema(name))
    with _levels(MAX_NESTING):  # messages hold the repr of the offending value, as deep as the data
        errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
    if errors:
        error = errors[0]
        location = json_path(error.absolute_path)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UsageError(f"{what}: {location}: {error.message}{more}")
    if stamp is not None and stamps is not None:
        stamps.add(stamp)


def json_path(parts: Any) -> str:
    """A JSONPath-like rendering of a jsonschema error path: ``$.plugins[0].versions``."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
