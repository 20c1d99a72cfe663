"""`manifest build`: keys read from class files as Jackson (with Kestra's JacksonMapper settings) reads them, so
that a flow Kestra accepts gets no FL501/FL502/FL503; and a class file whose generic signature is malformed is
a warning, not a crash. The classes are java_sources.py's JACKSON, compiled with the machine's javac."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.manifest.java_sources import TYPES
from tests.manifest.plugin_jars import build, jar, kestra, warnings


def _folder(tmp_path: Path, compiled: dict[str, bytes], tagged: bytes | None = None) -> None:
    """plugins/: a JAR of the JACKSON types (without Gone; Tagged's class file replaced by ``tagged``)."""
    classes = {name: data for name, data in compiled.items() if name.startswith("com/acme/j/")}
    del classes["com/acme/j/Gone"]
    if tagged is not None:
        classes["com/acme/j/Tagged"] = tagged
    jar(tmp_path / "plugins/plugin-acme-1.0.0.jar", kestra("plugin-acme", "com.acme", "1.0.0"), TYPES, classes)


def _props(*entries: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**entry, "since": "1.0.0", "until": "1.0.0"} for entry in entries]


def _type(*entries: dict[str, Any], **flags: Any) -> dict[str, Any]:
    return {"since": "1.0.0", "until": "1.0.0", "kind": "task", "root": "task", **flags, "props": _props(*entries)}


STRING, INTEGER, ANY = {"kind": "string"}, {"kind": "integer"}, {"kind": "any"}
AUTH = "com.acme.j.Kinds.Auth"

EXPECTED = {
    # the no-arg constructor calls this("auto"), which assigns mode; target stays required
    "com.acme.j.Chained": _type({"name": "mode", **STRING}, {"name": "target", **STRING, "req": True}),
    # no no-argument constructor: what the creator does is not known, nothing is required
    "com.acme.j.Created": _type({"name": "key", **STRING}),
    # the @JsonUnwrapped field's class is not in the folder: its keys are not known
    "com.acme.j.Detached": _type(partial=True),
    # char[] and byte[] are read from a string (byte[] as base64) or a list; a primitive is never null; a
    # Property item may be an expression; a deserializer of the field's or of its class's own reads anything
    "com.acme.j.Kinds": _type(
        {"name": "auth", "kind": "object", "ref": AUTH},
        {"name": "count", **INTEGER},
        {"name": "flag", "kind": "boolean"},
        {"name": "hosts", **ANY, "kindUnknown": True},
        {"name": "keyBytes", **ANY},
        {"name": "limits", "kind": "map"},
        {"name": "password", **ANY},
        {"name": "ports", "kind": "list"},
        {"name": "size", **INTEGER, "req": True},
        {"name": "spec", **ANY, "class": "Spec", "kindUnknown": True},
        {"name": "tags", "kind": "list", "of": STRING},
    ),
    # @JsonIgnoreProperties(ignoreUnknown = true) on an interface the class implements
    "com.acme.j.Lenient": _type({"name": "foo", **STRING}, additionalProperties=True),
    # @JsonValue and @JsonCreator decide the constants; @JsonAlias adds some
    "com.acme.j.Modes": _type(
        {"name": "level", "kind": "enum", "class": "Level", "kindUnknown": True},
        {"name": "shade", "kind": "enum", "class": "Shade", "kindUnknown": True},
        {"name": "tier", "kind": "enum", "enum": ["GOLD", "gold", "premium", "SILVER"]},
    ),
    # renamed through the getter (foo -> bar) and the setter (baz -> qux); ignored by the field (state), the
    # getter (cache) and the class (legacy): accepted, any value; a fluent and a private setter; a setter
    # renamed by @JsonSetter
    "com.acme.j.Named": _type(
        {"name": "bar", **STRING},
        {"name": "cache", **ANY},
        {"name": "legacy", **ANY},
        {"name": "level", **INTEGER, "src": "setter"},
        {"name": "mode", **STRING, "src": "setter"},
        {"name": "qux", **STRING},
        {"name": "speed", **INTEGER, "src": "setter"},
        {"name": "state", **ANY},
    ),
    # the superclass's endpoint is assigned by the subclass's constructor; region stays required
    "com.acme.j.SubDefault": _type({"name": "endpoint", **STRING}, {"name": "region", **STRING, "req": True}),
    "com.acme.j.Tagged": _type({"name": "tags", "kind": "list", "of": STRING}),
    # the @JsonUnwrapped classes' keys are the type's (with the prefix; port's @NotNull is not checked there)
    "com.acme.j.Wrapped": _type(
        {"name": "host", **STRING},
        {"name": "name", **STRING},
        {"name": "port", **INTEGER},
        {"name": "tls_verify", "kind": "boolean"},
    ),
}


# @JsonTypeInfo: the type id key and the keys of the subtype it selects are not known
DEFS = {AUTH: {"since": "1.0.0", "until": "1.0.0", "partial": True, "props": _props({"name": "user", **STRING})}}


def test_keys_are_read_as_jackson_reads_them(tmp_path: Path, compiled: dict[str, bytes]) -> None:
    _folder(tmp_path, compiled)
    data, stderr = build(tmp_path, properties=True)
    assert stderr == []
    assert data is not None
    assert data["plugins"][0]["properties"] == {"types": EXPECTED, "defs": DEFS, "source": "from class files"}


FLOW = """\
id: jackson
namespace: company.team
tasks:
  - id: kinds
    type: com.acme.j.Kinds
    password: hunter2
    keyBytes: aGVsbG8=
    ports: ["{{ inputs.port }}", 8080]
    limits: {a: "{{ inputs.n }}"}
    hosts: ["db:5432"]
    spec: {anything: 1}
    auth: {kind: basic, user: me, password: "{{ secret('PW') }}"}
    tags: one
  - id: named
    type: com.acme.j.Named
    bar: x
    qux: y
    state: 1
    cache: [1]
    legacy: {old: true}
    level: 3
    mode: fast
    speed: 3
    foo: renamed-away
  - id: lenient
    type: com.acme.j.Lenient
    anything: goes
  - id: wrapped
    type: com.acme.j.Wrapped
    host: db
    port: 5432
    tls_verify: true
    hots: db
  - id: detached
    type: com.acme.j.Detached
    away: true
  - id: modes
    type: com.acme.j.Modes
    shade: dark_mode
    level: whatever
    tier: premium
  - id: modes-wrong
    type: com.acme.j.Modes
    tier: bronze
  - id: chained
    type: com.acme.j.Chained
  - id: sub
    type: com.acme.j.SubDefault
  - id: created
    type: com.acme.j.Created
"""


def test_a_flow_kestra_accepts_gets_no_property_finding(tmp_path: Path, compiled: dict[str, bytes]) -> None:
    _folder(tmp_path, compiled)
    build(tmp_path, properties=True)
    (tmp_path / "flow.yml").write_text(FLOW, "utf-8")
    done = run_cli(["check", "--manifest", "out.yaml", "--select", "FL5", "--format", "concise", "flow.yml"], tmp_path)
    assert done.returncode == 1, done.stderr
    # only what Kestra rejects: Kinds' Integer size is @NotNull, tags a list; foo is renamed to bar; hots is
    # no key of Wrapped's; bronze no tier; Chained's target and SubDefault's region are required
    assert done.stdout.splitlines()[:-1] == [
        "flow.yml:5:11: FL502 [error] com.acme.j.Kinds 1.0.0 (plugin-acme) requires 'size'",
        "flow.yml:13:11: FL503 [error] 'tags' takes a list, not a string ('one')",
        "flow.yml:24:5: FL501 [error] 'foo' is not a property of com.acme.j.Named 1.0.0 (plugin-acme)",
        "flow.yml:33:5: FL501 [error] 'hots' is not a property of com.acme.j.Wrapped 1.0.0 (plugin-acme)",
        "flow.yml:44:11: FL503 [error] 'tier' takes one of GOLD, gold, premium, SILVER; not 'bronze'",
        "flow.yml:46:11: FL502 [error] com.acme.j.Chained 1.0.0 (plugin-acme) requires 'target'",
        "flow.yml:48:11: FL502 [error] com.acme.j.SubDefault 1.0.0 (plugin-acme) requires 'region'",
    ]


LIST_OF_STRING = b"Ljava/util/List<Ljava/lang/String;>;"


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(LIST_OF_STRING[:-1] + b">", id="unterminated"),
        pytest.param(b"L" + b"a" * 35, id="no-semicolon"),
        pytest.param(b"Ljava/util/List<" * 3000 + b"I", id="deeply-nested"),
        pytest.param(b"[" * 5000 + b"I", id="deep-array"),
    ],
)
def test_a_malformed_generic_signature_is_a_warning_naming_the_jar_and_class(
    tmp_path: Path, compiled: dict[str, bytes], signature: bytes
) -> None:
    original = len(LIST_OF_STRING).to_bytes(2, "big") + LIST_OF_STRING
    tagged = compiled["com/acme/j/Tagged"]
    assert tagged.count(original) == 1
    _folder(tmp_path, compiled, tagged.replace(original, len(signature).to_bytes(2, "big") + signature))
    data, stderr = build(tmp_path, properties=True)
    assert stderr == warnings(
        "plugin-acme-1.0.0.jar: cannot read the class file com/acme/j/Tagged.class; no property data for "
        "com.acme.j.Tagged"
    )
    assert data is not None
    types = data["plugins"][0]["properties"]["types"]
    assert "com.acme.j.Tagged" not in types and types["com.acme.j.Kinds"] == EXPECTED["com.acme.j.Kinds"]
