"""Reading the YAML/JSON data files flowlint is configured with, and validating them by schema."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowlint.errors import UsageError

if TYPE_CHECKING:
    from flowlint.cache import Stamps


def load_data(path: Path, what: str) -> Any:
    """Read a JSON or YAML file into plain Python data; a UsageError naming the file otherwise."""
    return parse_data(read_bytes(path, what), path, what)


def read_bytes(path: Path, what: str) -> bytes:
    """The content of ``path``; a UsageError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {what} {path}: {error.strerror or error}") from None


def parse_data(raw: bytes, path: Path, what: str) -> Any:
    """JSON (by ``path``'s suffix) or YAML ``raw`` content as plain Python data."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{what} {path} is not UTF-8 text") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise UsageError(f"{what} {path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return YAML(typ="safe", pure=False).load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise UsageError(f"{what} {path}{where}: invalid YAML: {error.problem or error}") from None
    except YAMLError as error:
        raise UsageError(f"{what} {path}: invalid YAML: {str(error).splitlines()[0]}") from None


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
