"""`manifest build`: properties of two versions of a plugin read from their class files (compiled here with
javac): definitions with their version ranges, Kestra classes a type inherits (`kestraClasses`), and
classes whose superclass is not in the folder (`partial`: no key reported unknown)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.manifest.plugin_jars import build, compile_java, jar, kestra

OUTSIDE = {
    # Kestra's script base class: on the server, never in a plugin JAR; the bundled data describes it
    "io.kestra.plugin.scripts.exec.AbstractExecScript": """\
        package io.kestra.plugin.scripts.exec;
        public abstract class AbstractExecScript extends io.kestra.core.models.tasks.Task {}
        """,
    # a library the folder does not have
    "org.other.Base": "package org.other;\npublic abstract class Base extends io.kestra.core.models.tasks.Task {}\n",
}

COMMON = {
    "com.acme.Legacy": """\
        package com.acme;
        public class Legacy extends org.other.Base {
            @jakarta.validation.constraints.NotNull private String path;
        }
        """,
    "com.acme.Extra": "package com.acme;\npublic class Extra extends com.acme.Common {}\n",
}

V1 = {
    **COMMON,
    "com.acme.Common": """\
        package com.acme;
        public abstract class Common extends io.kestra.core.models.tasks.Task { private String level; }
        """,
    "com.acme.Shell": """\
        package com.acme;
        public class Shell extends io.kestra.plugin.scripts.exec.AbstractExecScript {
            private String script;
        }
        """,
}

V2 = {
    **COMMON,
    # Common is not in 2.0.0: 2.0.0's Extra does not take 1.0.0's, its superclass is unknown there
    "com.acme.Common": "package com.acme;\npublic abstract class Common {}\n",
    "com.acme.Shell": """\
        package com.acme;
        import io.kestra.core.models.property.Property;
        import jakarta.validation.constraints.NotNull;
        public class Shell extends io.kestra.plugin.scripts.exec.AbstractExecScript {
            @NotNull private String script;
            private Property<Boolean> strict;
        }
        """,
}

TYPES = ["com.acme.Extra", "com.acme.Legacy", "com.acme.Shell"]


def _compile(factory: pytest.TempPathFactory, sources: dict[str, str], name: str) -> dict[str, bytes]:
    if shutil.which("javac") is None:
        pytest.skip("no javac on this machine")
    texts = {key: textwrap.dedent(text) for key, text in {**OUTSIDE, **sources}.items()}
    compiled = compile_java(texts, factory.mktemp(name))
    outside = {key.replace(".", "/") for key in OUTSIDE}
    return {key: data for key, data in compiled.items() if key not in outside}


@pytest.fixture(scope="session")
def version_1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """1.0.0's class files (one javac run per session)."""
    return _compile(tmp_path_factory, V1, "v1")


@pytest.fixture(scope="session")
def version_2(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """2.0.0's class files (one javac run per session)."""
    classes = _compile(tmp_path_factory, V2, "v2")
    del classes["com/acme/Common"]
    return classes


def _folder(tmp_path: Path, version_1: dict[str, bytes], version_2: dict[str, bytes]) -> None:
    for version, classes in (("1.0.0", version_1), ("2.0.0", version_2)):
        path = tmp_path / f"plugins/com_acme__plugin-acme__{version.replace('.', '_')}.jar"
        jar(path, kestra("plugin-acme", "com.acme", version), TYPES, classes)


def test_two_versions_give_ranges_kestra_classes_and_partial_types(
    tmp_path: Path, version_1: dict[str, bytes], version_2: dict[str, bytes]
) -> None:
    _folder(tmp_path, version_1, version_2)
    data, stderr = build(tmp_path, properties=True)
    assert stderr == []
    assert data is not None
    section: dict[str, Any] = data["plugins"][0]["properties"]
    assert section == {
        "types": {
            "com.acme.Extra": {
                "since": "1.0.0",
                "until": "2.0.0",
                "kind": "task",
                "root": "task",
                "partialByVersion": [{"since": "2.0.0", "until": "2.0.0", "value": True}],
                "props": [{"name": "level", "kind": "string", "since": "1.0.0", "until": "1.0.0"}],
            },
            "com.acme.Legacy": {
                "since": "1.0.0",
                "until": "2.0.0",
                "kind": "task",
                "root": "task",
                "partial": True,
                "props": [{"name": "path", "kind": "string", "req": True, "since": "1.0.0", "until": "2.0.0"}],
            },
            "com.acme.Shell": {
                "since": "1.0.0",
                "until": "2.0.0",
                "kind": "task",
                "root": "task",
                "props": [
                    {"name": "script", "kind": "string", "since": "1.0.0", "until": "1.0.0"},
                    {"name": "script", "kind": "string", "req": True, "since": "2.0.0", "until": "2.0.0"},
                    {"name": "strict", "kind": "boolean", "dyn": True, "since": "2.0.0", "until": "2.0.0"},
                ],
                "kestraClasses": [
                    {"class": "io.kestra.plugin.scripts.exec.AbstractExecScript", "since": "1.0.0", "until": "2.0.0"}
                ],
            },
        },
        "source": "from class files",
    }


FLOW = """\
id: scripts
namespace: company.team
tasks:
  - id: old
    type: com.acme.Shell
    version: "1.0.0"
    beforeCommands: [./setup.sh]
    strict: true
  - id: new
    type: com.acme.Shell
    version: "2.0.0"
    beforeCommands: [./setup.sh]
  - id: legacy
    type: com.acme.Legacy
    version: "2.0.0"
    whatever: 1
  - id: extra
    type: com.acme.Extra
    version: "1.0.0"
    levle: high
"""


def test_a_flow_is_checked_per_version(
    tmp_path: Path, version_1: dict[str, bytes], version_2: dict[str, bytes]
) -> None:
    _folder(tmp_path, version_1, version_2)
    build(tmp_path, properties=True)
    (tmp_path / "flow.yml").write_text(FLOW, "utf-8")
    done = run_cli(["check", "--manifest", "out.yaml", "--select", "FL5", "--format", "concise", "flow.yml"], tmp_path)
    assert done.returncode == 1, done.stderr
    # beforeCommands comes from Kestra's AbstractExecScript (bundled data); Legacy's superclass is unknown:
    # its unknown keys are not reported, its required ones are
    assert done.stdout.splitlines()[:-1] == [
        "flow.yml:8:5: FL501 [error] 'strict' is not a property of com.acme.Shell 1.0.0 (plugin-acme)",
        "flow.yml:10:11: FL502 [error] com.acme.Shell 2.0.0 (plugin-acme) requires 'script' (required since 2.0.0)",
        "flow.yml:14:11: FL502 [error] com.acme.Legacy 2.0.0 (plugin-acme) requires 'path'",
        "flow.yml:20:5: FL501 [error] 'levle' is not a property of com.acme.Extra 1.0.0 (plugin-acme)",
    ]
