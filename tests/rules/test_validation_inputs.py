"""Validation rule FL601 invalid-input, run as a user runs it (the CLI in a subprocess): exact positions and
messages, what Kestra accepts, the Kestra versions each check applies from, Kestra's own invalid flows
(../shared/corpus/flows-invalid), and the Java regex reading (Python's ``re`` differs from java.util.regex)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowlint.rules.java_regex import java_rejects
from tests.conftest import CORPUS, run_cli

HEAD = "id: hello\nnamespace: company.team\ninputs:\n"
TASKS = "tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n"
INVALID = CORPUS / "flows-invalid" / "kestra-io+kestra"
PREFIX = "core__src__test__resources__flows__invalids__"

Found = tuple[int, int, str, str]


def fl601(tmp_path: Path, inputs: str, target: str = "1.3") -> list[Found]:
    """(line, column, severity, message) of each FL601 finding on a flow with ``inputs``, for ``target``."""
    flow = tmp_path / "flow.yml"
    flow.write_text(HEAD + inputs + TASKS, "utf-8")
    return check(tmp_path, [flow], target)


def check(tmp_path: Path, flows: list[Path], target: str) -> list[Found]:
    done = run_cli(
        ["check", "--no-cache", "--format", "json", "--select", "FL601", "--target-kestra-version", target]
        + [str(flow) for flow in flows],
        tmp_path,
    )
    assert done.returncode in (0, 1), done.stderr
    return [
        (d["line"], d["column"], d["severity"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["code"] == "FL601"
    ]


# Types ---------------------------------------------------------------------------------------------------


def test_an_unknown_type_is_reported_at_its_name_with_kestras_message(tmp_path: Path) -> None:
    found = fl601(tmp_path, "  - id: day\n    type: STRNG\n  - id: n\n    type: int\n")
    assert found == [
        (5, 11, "error", "'STRNG' is not an input type of Kestra 1.3: Kestra refuses the flow"
            " (Kestra: `Invalid type: STRNG`)"),
        (7, 11, "error", "'int' is not an input type of Kestra 1.3: Kestra refuses the flow"
            " (Kestra: `Invalid type: int`)"),
    ]  # fmt: skip


def test_the_unknown_type_gets_a_did_you_mean(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    flow.write_text(HEAD + "  - id: n\n    type: int\n  - id: d\n    type: STRNG\n" + TASKS, "utf-8")
    done = run_cli(["check", "--no-cache", "--format", "json", "--select", "FL601", str(flow)], tmp_path)
    helps = [d["help"] for d in json.loads(done.stdout)["diagnostics"]]
    assert helps == ["did you mean 'INT'? (input types are case-sensitive)", "did you mean 'STRING'?"]


def test_input_types_follow_the_target_version(tmp_path: Path) -> None:
    inputs = "  - id: mail\n    type: EMAIL\n  - id: form\n    type: FORM\n"
    assert fl601(tmp_path, inputs, target="1.3.25") == []
    assert fl601(tmp_path, inputs, target="0.19.16") == [
        (5, 11, "error", "'EMAIL' is not an input type of Kestra 0.19.16: Kestra refuses the flow"
            " (Kestra: `Invalid type: EMAIL`)"),
        (7, 11, "error", "'FORM' is not an input type of Kestra 0.19.16: Kestra refuses the flow"
            " (Kestra: `Invalid type: FORM`)"),
    ]  # fmt: skip


def test_past_the_newest_data_an_unknown_type_is_a_warning(tmp_path: Path) -> None:
    assert fl601(tmp_path, "  - id: o\n    type: VECTOR\n", target="2.0") == [
        (
            5, 11, "warning",
            "'VECTOR' is not an input type as far as flowlint's data goes (it describes Kestra up to 1.3.25): "
            "Kestra 2.0 refuses the flow unless it added that type (Kestra: `Invalid type: VECTOR`)",
        )
    ]  # fmt: skip


def test_the_input_types_kestra_added_after_the_data_are_not_reported_past_it(tmp_path: Path) -> None:
    inputs = "  - id: o\n    type: OBJECT\n  - id: t\n    type: TABLE\n  - id: r\n    type: REUSABLE_INPUTS\n"
    assert fl601(tmp_path, inputs, target="2.0") == []
    assert [found[:3] for found in fl601(tmp_path, inputs, target="1.3.25")] == [
        (5, 11, "error"),
        (7, 11, "error"),
        (9, 11, "error"),
    ]


def test_an_input_without_type_is_reported_at_its_id(tmp_path: Path) -> None:
    assert fl601(tmp_path, "  - id: day\n    required: false\n  - id: n\n    type: ~\n") == [
        (
            4, 9, "error",
            "input 'day' has no `type`: Kestra refuses the flow (Kestra: `Invalid type: null`, `missing type id "
            "property 'type' (for POJO property 'inputs')`)",
        ),
        (
            7, 5, "error",
            "input 'n' has no `type`: Kestra refuses the flow (Kestra: `Invalid type: null`, `missing type id "
            "property 'type' (for POJO property 'inputs')`)",
        ),
    ]  # fmt: skip


# Ids -----------------------------------------------------------------------------------------------------


def test_ids_kestra_refuses_and_duplicates_are_reported_at_the_id(tmp_path: Path) -> None:
    inputs = (
        "  - id: a.b-c_1\n    type: STRING\n  - id: _x\n    type: STRING\n"
        "  - name: a.b-c_1\n    type: INT\n"  # the deprecated ``name`` is the id
    )
    assert fl601(tmp_path, inputs, target="0.14") == [
        (6, 9, "error", 'input id \'_x\' does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]*'
            ' (Kestra: `must match "^[a-zA-Z0-9][.a-zA-Z0-9_-]*"`)'),
        (
            8, 11, "error",
            "duplicate input id 'a.b-c_1' (first at line 4): Kestra refuses the flow (Kestra: `Invalid Flow: "
            "Duplicate input with name [a.b-c_1]`)",
        ),
    ]  # fmt: skip
    assert [line for line, *_ in fl601(tmp_path, inputs, target="0.13")] == [6]  # unique ids from 0.14
    assert fl601(tmp_path, inputs, target="0.12") == []  # the pattern from 0.13


# Dependencies --------------------------------------------------------------------------------------------


def test_a_dependency_on_no_input_and_a_cycle_are_reported_at_the_dependency(tmp_path: Path) -> None:
    inputs = (
        "  - id: country\n    type: STRING\n    dependsOn:\n      inputs: [city]\n"
        "  - id: city\n    type: STRING\n    dependsOn:\n      inputs: [region, country]\n"
        "  - id: region\n    type: STRING\n    dependsOn:\n      inputs: [contry]\n"
    )
    assert fl601(tmp_path, inputs) == [
        (
            7, 16, "error",
            "inputs depend on each other in a cycle: 'country' → 'city' → 'country': Kestra refuses the flow "
            "(Kestra: `Invalid Flow: Cycle dependency detected for input with id 'country': [country, city]`)",
        ),
        (
            15, 16, "error",
            "input 'region' depends on input 'contry', which the flow does not declare: Kestra refuses the flow "
            "(Kestra: `Invalid Flow: Input with id 'region' depends on a non-existent input 'contry'.`)",
        ),
    ]  # fmt: skip
    assert fl601(tmp_path, inputs, target="0.18") == []  # dependsOn is checked from 0.19


def test_inputs_depending_on_declared_inputs_without_cycle_pass(tmp_path: Path) -> None:
    inputs = (
        "  - id: a\n    type: STRING\n  - id: b\n    type: STRING\n    dependsOn:\n      inputs: [a]\n"
        "  - id: c\n    type: STRING\n    dependsOn:\n      inputs: [a, b]\n"
    )
    assert fl601(tmp_path, inputs) == []


# Values --------------------------------------------------------------------------------------------------


def test_validators_and_allowed_values_that_java_does_not_compile_are_reported(tmp_path: Path) -> None:
    inputs = (
        "  - id: code\n    type: STRING\n    validator: '(?P<n>\\d+)'\n"
        "  - id: lang\n    type: SELECT\n    values: ['C++', 'C#', 'Obj-C {x}']\n"
        "  - id: ok\n    type: SECRET\n    validator: '(?<year>\\d{4})\\p{L}+\\z'\n"
    )
    assert fl601(tmp_path, inputs) == [
        (
            6, 16, "error",
            "`validator` of STRING input 'code' is not a valid Java regular expression: Kestra refuses the flow "
            "(Kestra: `code.validator: invalid pattern [(?P<n>\\d+)]`)",
        ),
        (
            9, 27, "error",
            "allowed value 'Obj-C {x}' (in `values`) of SELECT input 'lang' is not a valid Java regular "
            "expression: Kestra refuses the flow (Kestra: `invalid pattern [Obj-C {x}]`)",
        ),
    ]  # fmt: skip


def test_array_item_types_follow_the_target_version(tmp_path: Path) -> None:
    inputs = (
        "  - id: nested\n    type: ARRAY\n    itemType: ARRAY\n"
        "  - id: keys\n    type: ARRAY\n    itemType: SECRET\n"
        "  - id: tags\n    type: MULTISELECT\n    values: [a]\n    itemType: ENUM\n"
    )
    assert fl601(tmp_path, inputs, target="0.21") == [
        (6, 15, "error", "ARRAY input 'nested' cannot hold items of type ARRAY in Kestra 0.21"
            " (Kestra: `nested: `itemType` cannot be `ARRAY``)"),
    ]  # fmt: skip
    assert fl601(tmp_path, inputs, target="2.0") == [
        (6, 15, "error", "ARRAY input 'nested' cannot hold items of type ARRAY in Kestra 2.0"
            " (Kestra: `nested: `itemType` cannot be ARRAY`)"),
        (9, 15, "error", "ARRAY input 'keys' cannot hold items of type SECRET in Kestra 2.0"
            " (Kestra: `keys: `itemType` cannot be SECRET`)"),
        (13, 15, "error", "MULTISELECT input 'tags' cannot hold items of type ENUM in Kestra 2.0"
            " (Kestra: `tags: `itemType` cannot be ENUM`)"),
    ]  # fmt: skip
    assert fl601(tmp_path, inputs, target="0.16") == [  # no ArrayInputValidator before 0.17, nor MULTISELECT
        (11, 11, "error", "'MULTISELECT' is not an input type of Kestra 0.16: Kestra refuses the flow"
            " (Kestra: `Invalid type: MULTISELECT`)"),
    ]  # fmt: skip


def test_file_defaults_follow_the_target_version(tmp_path: Path) -> None:
    inputs = (
        "  - id: data\n    type: FILE\n    defaults: something\n"
        "  - id: local\n    type: FILE\n    defaults: file:///tmp/a.csv\n"
    )
    refused_any = (
        "FILE input '{}' has `defaults`: Kestra 0.21 refuses the flow"
        " (Kestra: `{}: no `defaults` can be set for inputs of type 'FILE'`)"
    )
    assert fl601(tmp_path, inputs, target="0.21") == [
        (6, 15, "error", refused_any.format("data", "data")),
        (9, 15, "error", refused_any.format("local", "local")),
    ]
    assert fl601(tmp_path, inputs, target="1.3") == [
        (
            6, 15, "error",
            "FILE input 'data' has a default that is not a file URI: Kestra 1.3 refuses the flow (Kestra: `data: "
            "inputs of type 'FILE' only support `defaults` as local files using a file URI or as namespace files "
            "using a nsfile URI`)",
        )
    ]  # fmt: skip
    assert fl601(tmp_path, inputs, target="0.17") == []


def test_defaults_with_required_false_or_prefill_from_the_version_with_input_validator(tmp_path: Path) -> None:
    inputs = (
        "  - id: a\n    type: STRING\n    defaults: x\n    required: false\n"
        "  - id: b\n    type: STRING\n    defaults: x\n    prefill: y\n"
        "  - id: c\n    type: STRING\n    required: false\n    prefill: y\n"
    )
    assert fl601(tmp_path, inputs, target="1.3.25") == [
        (
            7, 15, "error",
            "input 'a' has `defaults` and `required: false`: Kestra 1.3.25 refuses the flow (Kestra: `Inputs with "
            "a default value must be required, since the default is always applied.`)",
        ),
        (
            11, 5, "error",
            "input 'b' has both `defaults` and `prefill`: Kestra 1.3.25 refuses the flow (Kestra: `Inputs with a "
            "default value cannot also have a prefill.`)",
        ),
    ]  # fmt: skip
    assert fl601(tmp_path, inputs, target="1.3") == []  # 1.3.0-1.3.24 are not known to have it


def test_literal_defaults_that_cannot_fit_their_type_from_kestra_2(tmp_path: Path) -> None:
    inputs = (
        "  - id: n\n    type: INT\n    defaults: three\n"
        "  - id: d\n    type: DATE\n    defaults: tomorrow\n"
        "  - id: mail\n    type: EMAIL\n    defaults: nobody\n"
        "  - id: env\n    type: SELECT\n    values: [dev, prod]\n    defaults: test\n"
        '  - id: ok\n    type: INT\n    defaults: "{{ 1 + 2 }}"\n'
        "  - id: flag\n    type: BOOLEAN\n    defaults: maybe\n"  # BOOLEAN: Kestra's 2.0 reading unknown
    )
    kinds = [
        ("INT", "n", "three", "an INT value"),
        ("DATE", "d", "tomorrow", "a DATE value"),
        ("EMAIL", "mail", "nobody", "an EMAIL value"),
    ]
    expected = [
        (6 + 3 * i, 15, "error", f"{kind} input '{name}' has a default that is not {what}: Kestra 2.0 refuses the flow"
            f" (Kestra: `Invalid default for input '{name}': `{text}` is not a valid {kind} value`)")
        for i, (kind, name, text, what) in enumerate(kinds)
    ]  # fmt: skip
    expected.append(
        (
            16, 15, "error",
            "SELECT input 'env' has a default that is not one of its `values`: Kestra 2.0 refuses the flow (Kestra: "
            "`Invalid default for input 'env': `test` is not one of the allowed values [dev, prod]`)",
        )
    )  # fmt: skip
    assert fl601(tmp_path, inputs, target="2.0") == expected
    assert fl601(tmp_path, inputs, target="1.3") == []


def test_a_valid_input_list_has_no_finding(tmp_path: Path) -> None:
    inputs = (
        "  - id: day\n    type: STRING\n    validator: '^[a-z]+$'\n    defaults: monday\n"
        "  - id: env\n    type: SELECT\n    values: [dev, prod]\n    defaults: dev\n"
        "  - id: n\n    type: INT\n    defaults: 3\n"
        "  - id: at\n    type: DATETIME\n    defaults: '2024-01-01T00:00:00Z'\n"
    )
    inputs += "  - id: free\n    type: SELECT\n    values: [a, b]\n    allowCustomValue: true\n    defaults: c\n"
    inputs += (
        "  - id: live\n    type: SELECT\n    values: [a]\n    expression: '{{ kv(\"choices\") }}'\n    defaults: c\n"
    )
    for target in ("0.21", "1.3", "2.0"):
        assert fl601(tmp_path, inputs, target=target) == []


# Kestra's own invalid flows ------------------------------------------------------------------------------

KESTRA_FILES = {
    "duplicate-inputs": ("0.14", [(8, 9)]),
    "inputs-bad-type": ("1.3", [(4, 9), (5, 11)]),  # its id 'wrong one' breaks the id pattern too
    "inputs-bad-validator-syntax": ("0.21", [(6, 16)]),
    "inputs-validation": ("0.21", [(7, 15), (10, 15)]),
    "inputs": ("1.3", [(4, 9), (4, 9)]),  # no type, and the id 'wrong one'
    "secret-element-type": ("2.0", [(6, 15)]),
    "secret-input-as-item-type": ("2.0", [(6, 15)]),
}


@pytest.mark.parametrize("name", sorted(KESTRA_FILES))
def test_kestras_invalid_input_flows_get_fl601_at_the_line(tmp_path: Path, name: str) -> None:
    flow = INVALID / f"{PREFIX}{name}.yml"
    if not flow.is_file():
        pytest.skip("Kestra's invalid flows absent")
    target, places = KESTRA_FILES[name]
    assert [(line, column) for line, column, severity, _ in check(tmp_path, [flow], target)] == places
    if name.startswith("secret-"):
        assert check(tmp_path, [flow], "1.3") == []  # accepted before the check came


# Java's regex, not Python's --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "rejected"),
    [
        ("\\", True),  # a trailing backslash: both refuse
        ("(?P<n>a)", True),  # Python's named group: no Java syntax
        ("a{,3}", True),  # Python reads {,3} as a quantifier; Java: Illegal repetition
        ("${var}", True),  # Python reads {var} as text; Java: Illegal repetition
        ("(?#note)a", True),  # no comment groups in Java
        ("\\U0001F600", True),  # no \\U in Java
        ("\\0", True),  # Java's octal escape needs a digit
        ("(?q)a", True),  # no such flag
        ("(?<year>\\d{4})-\\k<year>", False),  # Java's named group and back reference
        ("\\p{L}+\\P{Lu}\\pL", False),  # Unicode classes
        ("abc\\z", False),  # \\z (Python 3.11 has only \\Z)
        ("ab(?i)c", False),  # flags in mid-pattern
        ("\\Qa.b(\\E", False),  # quoting
        ("\\G\\h+\\R\\x{1F600}", False),
        ("\\N{LATIN SMALL LETTER A}", False),  # a Unicode name (not a quantifier)
        ("a{99999999999}", None),  # Python cannot compile the count: silent, never a crash
        ("C++", False),  # possessive
        ("(?>a+)b", False),  # atomic group
        ("[a-z&&[^aeiou]]", None),  # intersection: not modelled, silent
        ("(?<=a|bc)d", None),  # variable-width look-behind: Java accepts, Python not
        ("(?x) a b", None),  # comments mode
        ("\\b{g}x", False),  # Java 9+'s grapheme cluster boundary (no quantifier)
        ("(?i){2}a", None),  # a count after the flags alone: Java accepts it, Python has nothing to repeat
        ("a(?i){2}", False),
    ],
)
def test_the_java_regex_reading_differs_from_python_where_it_matters(pattern: str, rejected: bool | None) -> None:
    assert java_rejects(pattern) is rejected


def test_the_inputs_of_a_form_are_checked_as_inputs(tmp_path: Path) -> None:
    inputs = (
        "  - id: address\n    type: FORM\n    inputs:\n"
        "      - id: street\n        type: STRNG\n"
        "      - id: _zip\n        type: STRING\n        validator: '('\n"
    )
    assert fl601(tmp_path, inputs, target="1.3.25") == [
        (
            8, 15, "error",
            "'STRNG' is not an input type of Kestra 1.3.25: Kestra refuses the flow (Kestra: `Invalid type: STRNG`)",
        ),
        (
            9, 13, "error",
            "input id '_zip' does not match ^[a-zA-Z0-9][.a-zA-Z0-9_-]* (Kestra: `must match "
            '"^[a-zA-Z0-9][.a-zA-Z0-9_-]*"`)',
        ),
        (
            11, 20, "error",
            "`validator` of STRING input '_zip' is not a valid Java regular expression: Kestra refuses the flow "
            "(Kestra: `_zip.validator: invalid pattern [(]`)",
        ),
    ]  # fmt: skip


def test_an_input_without_id_is_reported_from_0_15(tmp_path: Path) -> None:
    inputs = "  - type: STRING\n  - id:\n    type: INT\n"
    message = "an input has no `id`: Kestra refuses the flow (Kestra: `inputs[{}].id: must not be null`)"
    assert fl601(tmp_path, inputs) == [(4, 5, "error", message.format(0)), (5, 5, "error", message.format(1))]
    assert fl601(tmp_path, inputs, target="0.14") == []  # before 0.15 the key is `name`: FL502 says it is missing
    assert fl601(tmp_path, "  - name: legacy\n    type: STRING\n") == []


def test_a_type_that_is_a_list_or_a_mapping_is_reported(tmp_path: Path) -> None:
    inputs = "  - id: a\n    type: [STRING]\n  - id: b\n    type: {name: INT}\n"
    assert fl601(tmp_path, inputs) == [
        (5, 11, "error", "the `type` of input 'a' is a list, not a type name: Kestra refuses the flow"),
        (7, 11, "error", "the `type` of input 'b' is a mapping, not a type name: Kestra refuses the flow"),
    ]


def test_a_validator_with_a_grapheme_boundary_is_not_reported(tmp_path: Path) -> None:
    assert fl601(tmp_path, "  - id: word\n    type: STRING\n    validator: '\\b{g}\\w+'\n") == []
    assert fl601(tmp_path, "  - id: word\n    type: STRING\n    validator: '\\b{x}'\n") == [
        (
            6, 16, "error",
            "`validator` of STRING input 'word' is not a valid Java regular expression: Kestra refuses the flow "
            "(Kestra: `word.validator: invalid pattern [\\b{x}]`)",
        )
    ]  # fmt: skip
