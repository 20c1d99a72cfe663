"""Hostile data files (manifests, configs, pyproject.toml, Kestra's application.yml) through the real command
line: each is exit 2 with one line naming the file, the place and the reason; never a traceback, a crash
(exit 3), a signal or gigabytes of memory, and no file is changed.

The inputs are those of ../shared/fuzz-cases (issue 12), copied here or generated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_bad_input import LOG_FLOW, check

DEEP = "collections nested deeper than 1000 levels"


def project(tmp_path: Path, **files: str) -> Path:
    """``tmp_path`` with a clean flow (``flow.yml``) and ``files`` (name -> text)."""
    (tmp_path / "flow.yml").write_text(LOG_FLOW, "utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    return tmp_path


def refused(tmp_path: Path, *args: str) -> str:
    """Run ``flowlint check --no-cache ARGS flow.yml``: exit 2, nothing on stdout; the one-line message."""
    stdout, stderr = check(tmp_path, "check", "--no-cache", *args, "flow.yml", expect=2)
    assert stdout == ""
    assert stderr.count("\n") == 1, stderr
    return stderr.removeprefix("flowlint: error: ").removesuffix("\n")


def bomb(levels: int = 9) -> str:
    """YAML lines anchoring ``x.a0`` .. ``x.a{levels-1}``, each a list of ten aliases to the one before."""
    lines = ["x:", "  a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"  a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


# --- configs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("!!int 1.5", "'1.5' is not an integer (tagged !!int)", id="int-1.5"),
        pytest.param("!!int 0x", "'0x' is not an integer (tagged !!int)", id="int-0x"),
        pytest.param("!!float abc", "'abc' is not a number (tagged !!float)", id="float-abc"),
        pytest.param("!!bool maybe", "'maybe' is not a boolean (tagged !!bool)", id="bool-maybe"),
        pytest.param("!!binary aGk=", "unsupported tag !!binary", id="binary"),
    ],
)
def test_a_config_value_its_explicit_tag_cannot_read_is_exit_2_at_its_line_and_column(
    tmp_path: Path, value: str, reason: str
) -> None:
    # config-bad-explicit-tag.flowlint.yaml: exit 3 "ValueError: invalid literal for int()" (KeyError for !!bool)
    text = "# a comment line, as in the reproducer\nmanifestMaxAgeDays: " + value + "\n"
    project(tmp_path, **{"bad.flowlint.yaml": text})
    assert refused(tmp_path, "--config", "bad.flowlint.yaml") == f"config bad.flowlint.yaml:2:21: {reason}"


def test_an_invalid_explicit_timestamp_in_a_config_is_text_the_schema_refuses(tmp_path: Path) -> None:
    # !!timestamp 2001-13-45 was a ValueError in the date constructor: data files read timestamps as text
    project(tmp_path, **{"bad.flowlint.yaml": "manifestMaxAgeDays: !!timestamp 2001-13-45\n"})
    assert refused(tmp_path, "--config", "bad.flowlint.yaml") == (
        "config bad.flowlint.yaml: $.manifestMaxAgeDays: '2001-13-45' is not of type 'integer'"
    )


def test_a_config_nested_60000_levels_is_exit_2_not_a_segfault(tmp_path: Path) -> None:
    # config-deep-nesting-segfault.flowlint.yaml: SIGSEGV in libyaml's recursive composer
    text = "# deep\nselect: " + "[" * 60000 + "]" * 60000 + "\n"
    project(tmp_path, **{"deep.flowlint.yaml": text})
    assert refused(tmp_path, "--config", "deep.flowlint.yaml") == f"config deep.flowlint.yaml:2:1008: {DEEP}"


def test_a_config_alias_bomb_is_exit_2_at_once(tmp_path: Path) -> None:
    # manifest-alias-bomb.yaml, "same with a config whose select: *a8"
    project(tmp_path, **{"bomb.flowlint.yaml": bomb() + "select: *a8\n"})
    assert refused(tmp_path, "--config", "bomb.flowlint.yaml") == (
        "config bomb.flowlint.yaml:7:7: more than 50 aliases to collections (a YAML bomb?)"
    )


def test_a_config_number_of_5000_digits_is_exit_2(tmp_path: Path) -> None:
    project(tmp_path, **{"big.flowlint.yaml": "manifestMaxAgeDays: " + "9" * 5000 + "\n"})
    assert refused(tmp_path, "--config", "big.flowlint.yaml") == (
        "config big.flowlint.yaml:1:21: a number of 5000 characters (at most 1000)"
    )


def test_a_pyproject_nested_5000_levels_is_exit_2_naming_it(tmp_path: Path) -> None:
    # pyproject-deep-nesting-recursion.toml, found beside the flow: exit 3 RecursionError in tomllib
    text = "[tool.flowlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"
    project(tmp_path, **{"pyproject.toml": text})
    assert refused(tmp_path) == f"config {tmp_path.resolve() / 'pyproject.toml'}: {DEEP}"


def test_a_pyproject_integer_of_5000_digits_is_exit_2(tmp_path: Path) -> None:
    project(tmp_path, **{"pyproject.toml": "[tool.flowlint]\nmanifestMaxAgeDays = " + "9" * 5000 + "\n"})
    assert refused(tmp_path, "--config", "pyproject.toml") == (
        "config pyproject.toml: a number of more than 1000 characters"
    )


# --- Kestra's application.yml (kestraConfig) ---------------------------------------------------------------


def test_an_application_yml_nested_60000_levels_is_exit_2_not_a_segfault(tmp_path: Path) -> None:
    # kestra-application-deep-nesting-segfault.yml: SIGSEGV
    text = "# deep\nkestra:\n  plugins:\n    defaults: " + "[" * 60000 + "]" * 60000 + "\n"
    project(tmp_path, **{"application.yml": text, "kestra.flowlint.yaml": "kestraConfig: application.yml\n"})
    assert refused(tmp_path, "--config", "kestra.flowlint.yaml") == (
        f"Kestra configuration {tmp_path.resolve() / 'application.yml'}:4:1012: {DEEP}"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("9" * 5000, "3:21: a number of 5000 characters (at most 1000)", id="5000-digits"),
        pytest.param("!!int 1.5", "3:21: '1.5' is not an integer (tagged !!int)", id="explicit-tag"),
    ],
)
def test_an_unreadable_default_version_in_application_yml_is_exit_2(tmp_path: Path, value: str, reason: str) -> None:
    text = f"kestra:\n  plugins.management:\n    defaultVersion: {value}\n"
    project(tmp_path, **{"application.yml": text, "kestra.flowlint.yaml": "kestraConfig: application.yml\n"})
    assert refused(tmp_path, "--config", "kestra.flowlint.yaml") == (
        f"Kestra configuration {tmp_path.resolve() / 'application.yml'}:{reason}"
    )


# --- manifests ------------------------------------------------------------------------------------------


def test_a_manifest_alias_bomb_is_exit_2_at_once(tmp_path: Path) -> None:
    # manifest-alias-bomb.yaml: 10**9 elements under plugins, > 5 GB after 60 s
    text = "# bomb\nmanifestVersion: 1\nsource: s\n" + bomb() + "plugins: *a8\n"
    project(tmp_path, **{"bomb.yaml": text})
    assert refused(tmp_path, "--manifest", "bomb.yaml") == (
        f"manifest {tmp_path / 'bomb.yaml'}:10:7: more than 50 aliases to collections (a YAML bomb?)"
    )


def test_a_yaml_manifest_nested_60000_levels_is_exit_2_not_a_segfault(tmp_path: Path) -> None:
    # manifest-deep-nesting-segfault.yaml
    text = "# deep\nmanifestVersion: 1\nplugins: " + "[" * 60000 + "]" * 60000 + "\n"
    project(tmp_path, **{"deep.yaml": text})
    assert refused(tmp_path, "--manifest", "deep.yaml") == f"manifest {tmp_path / 'deep.yaml'}:3:1009: {DEEP}"


def test_a_json_manifest_nested_100000_levels_is_exit_2_not_a_recursion_error(tmp_path: Path) -> None:
    # manifest-deep-nesting-recursion.json: exit 3 RecursionError in json.loads
    text = '{"manifestVersion": 1, "plugins": ' + "[" * 100000 + "]" * 100000 + "}"
    project(tmp_path, **{"deep.json": text})
    assert refused(tmp_path, "--manifest", "deep.json") == f"manifest {tmp_path / 'deep.json'}:1:1034: {DEEP}"


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        pytest.param(
            "big.yaml",
            "# big\nmanifestVersion: 1\nplugins: []\nmanifestMaxAgeDays: " + "9" * 5000 + "\nx: " + "9" * 5000 + "\n",
            "4:21: a number of 5000 characters (at most 1000)",
            id="yaml",
        ),
        pytest.param(
            "big.json",
            '{"manifestVersion": 1,\n "plugins": [],\n "x": ' + "9" * 5000 + "}",
            "3:7: a number of 5000 characters (at most 1000)",
            id="json",
        ),
        pytest.param(
            "big.json",
            '{"manifestVersion": 1, "plugins": [], "x": 1.' + "9" * 5000 + "}",
            "1:44: a number of 5002 characters (at most 1000)",
            id="json-float",
        ),
    ],
)
def test_a_manifest_number_of_5000_digits_is_exit_2(tmp_path: Path, name: str, text: str, reason: str) -> None:
    # manifest-huge-integer.yaml: exit 3 "Exceeds the limit (4300 digits) for integer string conversion"
    project(tmp_path, **{name: text})
    assert refused(tmp_path, "--manifest", name) == f"manifest {tmp_path / name}:{reason}"


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("1.2.2147483648", id="patch-past-int"),
        pytest.param("1.0." + "9" * 5000, id="patch-of-5000-digits"),
        pytest.param("1.0.0-rc2147483648", id="qualifier-number-past-int"),
    ],
)
def test_a_manifest_version_beyond_javas_int_is_exit_2_naming_it(tmp_path: Path, version: str) -> None:
    # manifest-version-out-of-int-range.yaml: exit 3 "ValueError: invalid version '1.2.2147483648'"
    text = (
        'manifestVersion: 1\nsource: "fuzz"\nplugins:\n  - groupId: io.kestra.plugin\n'
        "    artifactId: plugin-script-shell\n    versions:\n"
        f'      - version: "{version}"\n        tasks: [io.kestra.plugin.scripts.shell.Commands]\n'
    )
    project(tmp_path, **{"range.yaml": text})
    assert refused(tmp_path, "--manifest", "range.yaml") == (
        f"manifest {tmp_path / 'range.yaml'}: $.plugins[0].versions[0].version: version {version} of "
        "io.kestra.plugin:plugin-script-shell is not one Kestra reads (its numbers, and the digits of its "
        "qualifier, are Java ints: ASCII digits, at most 2147483647)"
    )


# --- saved API answers (manifest import) -------------------------------------------------------------------


def test_a_saved_answer_nested_100000_levels_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "saved.json").write_text("[" * 100000 + "]" * 100000, "utf-8")
    stdout, stderr = check(tmp_path, "manifest", "import", "saved.json", "--format", "json", expect=2)
    assert (stdout, stderr) == ("", f"flowlint: error: saved.json:1:1001: {DEEP}\n")
