"""Rule codes, prefixes, names and options wherever they are written: a typo is exit 2 with a
did-you-mean, never a silently weaker run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

FLOW = (
    "id: hello\n"
    "namespace: company.team\n"
    "tasks:\n"
    "  - id: a\n"
    "    type: io.kestra.plugin.core.log.Lgo\n"
    "    message: hi\n"
    "  - id: b\n"
    "    type: io.kestra.plugin.scripts.shell.Script\n"
    "    version: 0.20\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "f.yml").write_text(FLOW, "utf-8")
    return tmp_path


def _config(folder: Path, text: str) -> Path:
    path = folder / ".flowlint.yaml"
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--select", "FL1O1", "--select: unknown rule code or name 'FL1O1' (did you mean FL101?)"),
        ("--ignore", "FL1O1", "--ignore: unknown rule code or name 'FL1O1' (did you mean FL101?)"),
        ("--select", "FL1,FL9O", "--select: unknown rule code or name 'FL9O' (did you mean FL90?)"),
        ("--select", "unquoted-versoin", "--select: unknown rule code or name 'unquoted-versoin' "
         "(did you mean unquoted-version?)"),
        ("--select", "FL8", "--select: unknown rule code or name 'FL8' (did you mean FL608?)"),
    ],
)  # fmt: skip
def test_a_typo_in_a_selector_flag_is_exit_2_with_a_did_you_mean(
    folder: Path, flag: str, value: str, message: str
) -> None:
    done = run_cli(["check", "--no-cache", flag, value, "f.yml"], folder)
    assert done.returncode == 2
    assert done.stderr == f"flowlint: error: {message}\n"
    assert done.stdout == ""


def test_fix_checks_its_selectors_too(folder: Path) -> None:
    before = (folder / "f.yml").read_bytes()
    done = run_cli(["fix", "--select", "FL1O7", "f.yml"], folder)
    assert (done.returncode, done.stderr) == (2, "flowlint: error: --select: unknown rule code or name 'FL1O7' "
                                                  "(did you mean FL107?)\n")  # fmt: skip
    assert (folder / "f.yml").read_bytes() == before


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("select: [FL1O1]\n", "select: unknown rule code or name 'FL1O1' (did you mean FL101?)"),
        ("ignore: [FL1, FLX]\n",
         "ignore: unknown rule code or name 'FLX' (`flowlint rules` lists the codes and names)"),
        ("severity: {FL1O7: info}\n", "severity: unknown rule code or name 'FL1O7' (did you mean FL107?)"),
        ("perFileIgnores: {'*.yml': [unknwon-type]}\n",
         "perFileIgnores['*.yml']: unknown rule code or name 'unknwon-type' (did you mean unknown-type?)"),
        ("rules: {FL2O1: {namespaces: [prod]}}\n", "rules: unknown rule code or name 'FL2O1' (did you mean FL201?)"),
        ("rules: {FL2: {namespaces: [prod]}}\n",
         "rules: 'FL2' is a prefix of several rules: give one rule's code or name"),
        ("rules: {FL201: {namespace: [prod]}}\n",
         "rules.FL201.namespace: unknown option of FL201 (floating-version); did you mean namespaces?"),
        ("rules: {FL201: {namespaces: prod}}\n", "rules.FL201.namespaces: must be a list of strings, not a string"),
        ("rules: {FL201: {namespaces: [1]}}\n", "rules.FL201.namespaces: must be a list of strings, not a list"),
        ("rules: {FL107: {quote: true}}\n", "rules.FL107.quote: FL107 (unquoted-version) takes no options"),
    ],
)  # fmt: skip
def test_a_typo_in_the_config_is_exit_2_naming_the_file_and_key(folder: Path, config: str, message: str) -> None:
    path = _config(folder, config)
    done = run_cli(["check", "--no-cache", "f.yml"], folder)
    assert done.returncode == 2, done.stdout
    assert done.stderr == f"flowlint: error: config {path}: {message}\n"


def test_a_misspelt_fl201_option_no_longer_makes_it_fire_everywhere(folder: Path) -> None:
    _config(folder, "select: [FL201]\nrules: {FL201: {namespace: [prod.**]}}\n")
    assert run_cli(["check", "--no-cache", "f.yml"], folder).returncode == 2
    _config(folder, "select: [FL201]\nrules: {FL201: {namespaces: [prod.**]}}\n")
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", "f.yml"], folder)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_rule_names_are_accepted_wherever_codes_are(folder: Path) -> None:
    _config(folder, "severity: {unquoted-version: error}\nignore: [version-not-installed]\n")
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", "--select", "unquoted-version,FL10", "f.yml"],
                   folder)  # fmt: skip
    assert done.stdout.splitlines() == [
        "f.yml:5:11: FL101 [error] unknown plugin type io.kestra.plugin.core.log.Lgo: no installed plugin provides it",
        "f.yml:9:14: FL107 [error] version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which "
        'matches no installed version; quoted, "0.20" would run 0.20.0',
    ]
    assert done.returncode == 1


def test_a_rule_name_in_a_suppression_comment_suppresses_that_rule(folder: Path) -> None:
    (folder / "f.yml").write_text(FLOW.replace("version: 0.20", "version: 0.20  # flowlint: ignore[unquoted-version]"))
    done = run_cli(["check", "--no-cache", "--format", "concise", "-q", "--select", "FL107,FL9", "f.yml"], folder)
    assert (done.returncode, done.stdout) == (0, "")


def test_rule_explains_a_rule_by_name_and_lists_its_options(folder: Path) -> None:
    done = run_cli(["rule", "floating-version"], folder)
    assert done.returncode == 0
    assert done.stdout.startswith("FL201 floating-version (warning, off by default; has a fix)\n")
    assert (
        "Options (config: `rules: {FL201: {OPTION: VALUE}}`):\n"
        "    namespaces (strings): Only flows whose namespace matches one of these patterns (default: every flow).\n"
    ) in done.stdout


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("FL1O7", "flowlint rule: unknown rule code or name 'FL1O7' (did you mean FL107?)"),
        ("FL1", "flowlint rule: 'FL1' is a prefix of several rules: give one rule's code or name"),
        ("deprecated-alais",
         "flowlint rule: unknown rule code or name 'deprecated-alais' (did you mean deprecated-alias?)"),
    ],
)  # fmt: skip
def test_rule_with_an_unknown_code_is_exit_2_with_a_did_you_mean(folder: Path, given: str, message: str) -> None:
    done = run_cli(["rule", given], folder)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"flowlint: error: {message}\n")
