"""Reading the data files flowlint is given (manifests, configs, ``pyproject.toml``, Kestra's
``application.yml``, saved API answers) as plain Python data, and validating them by schema.

Data files get the limits flows get (flowlint.limits): collections nested at most ``MAX_NESTING``
levels, at most ``MAX_COLLECTION_ALIASES`` aliases to collections, numbers of at most
``MAX_NUMBER_LENGTH`` characters. YAML is read by flowlint.yaml_data; JSON and TOML are bounded here,
before and while they are parsed. Whatever breaks a limit or does not parse is a UsageError naming the
file, with the line and column where they are known.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from flowlint.errors import UsageError
from flowlint.limits import MAX_NESTING, MAX_NUMBER_LENGTH, NESTED, NumberTooLong, bounded, stack_room
from flowlint.stamps import Stamps
from flowlint.yaml_data import parse_yaml

_JSON_TOKEN = r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]'
"""A JSON string or a bracket (compiled when an error needs it)."""
_STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_QUOTES_OR_BRACKETS = bytes(sorted(set(range(256)) - set(b'"[]{}')))


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
    return _toml(text, name) if path.suffix == ".toml" else parse_yaml(text, name)


def parse_json(raw: bytes, path: Path, what: str) -> Any:
    """``raw`` JSON content of ``path`` (named as in :func:`parse_data`) as plain Python data."""
    name = _name(what, path)
    text = _text(raw, name)
    try:
        with stack_room(_json_depth(raw)):  # json.loads recurses
            return json.loads(text, parse_int=_json_int, parse_float=_json_float)
    except json.JSONDecodeError as error:
        raise UsageError(f"{name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    except _TooDeep as error:
        raise _at_offset(name, text, _deepest(text), str(error)) from None
    except NumberTooLong as error:
        raise _at_offset(name, text, text.find(error.written), str(error)) from None


def _name(what: str, path: Path) -> str:
    return f"{what} {path}" if what else str(path)


def _text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not UTF-8 text") from None


def _json_int(written: str) -> int:
    return int(bounded(written))


def _json_float(written: str) -> float:
    return float(bounded(written))


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
        raise _TooDeep(NESTED)
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


def _toml(text: str, name: str) -> Any:
    import tomllib

    try:
        with stack_room(min(text.count("[") + text.count("{"), MAX_NESTING)):
            data = tomllib.loads(text, parse_float=_json_float)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{name}: {error}") from None
    except RecursionError:
        raise UsageError(f"{name}: {NESTED}") from None
    except NumberTooLong as error:
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
                raise UsageError(f"{name}: {NESTED}")
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
        elif isinstance(value, int) and abs(value) >= too_long:
            raise UsageError(f"{name}: a number of more than {MAX_NUMBER_LENGTH} characters")


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
    with stack_room(MAX_NESTING):  # messages hold the repr of the offending value, as deep as the data
        errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.path))))
    if errors:
        error = errors[0]
        location = json_path(error.absolute_path)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UsageError(f"{what}: {location}: {_message(error)}{_did_you_mean(error)}{more}")
    if stamp is not None and stamps is not None:
        stamps.add(stamp)


def _message(error: Any) -> str:
    """jsonschema's message, with a null or boolean value written as the file writes it (``null is not one of
    ['oss', 'ee']``: jsonschema shows Python's ``None``)."""
    message = str(error.message)
    instance = error.instance
    if (instance is None or isinstance(instance, bool)) and message.startswith(repr(instance)):
        return json.dumps(instance) + message[len(repr(instance)) :]
    return message


def _did_you_mean(error: Any) -> str:
    """`` (did you mean 'edition'?)`` when an unknown key of ``error`` is close to a key the schema has."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return ""
    import difflib

    known = list(error.schema.get("properties", {}))
    for key in error.instance:
        if key not in known and isinstance(key, str):
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if close:
                return f" (did you mean {close[0]!r}?)"
    return ""


def json_path(parts: Any) -> str:
    """A JSONPath-like rendering of a jsonschema error path: ``$.plugins[0].versions``."""
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
