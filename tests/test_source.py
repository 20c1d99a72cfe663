"""Reading YAML (flowlint.source and the file pipeline): libyaml composes, positions stay right.

Positions are 1-based lines and columns counted in characters (code points), end exclusive, and
``start_offset``/``end_offset`` index the decoded text, so ``text[start:end]`` is the node's text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import _ruamel_yaml
import pytest
import ruamel.yaml.composer
import ruamel.yaml.constructor
import ruamel.yaml.nodes
import ruamel.yaml.parser
import ruamel.yaml.reader
import ruamel.yaml.scanner

from flowlint import nodes, source
from flowlint.diagnostics import FileResult, Span
from flowlint.lint import Linter
from flowlint.rules import enabled_codes
from tests.conftest import codes, lint, manifest, settings

FLOW = "id: demo\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.nope.Missing\n"
"""A flow with one finding: FL101 on line 5, columns 11-26 (``io.nope.Missing``)."""

UNKNOWN = "unknown plugin type io.nope.Missing: no installed plugin provides it"


def lint_bytes(data: bytes, path: str = "flow.yml") -> FileResult:
    """Check raw file content in-process, as ``flowlint check`` does after reading the file."""
    return Linter(settings(), manifest(), enabled_codes(())).lint_bytes(data, path)


def found(result: FileResult) -> list[tuple[str, int, int, int, int]]:
    return [(d.code, d.span.line, d.span.column, d.span.end_line, d.span.end_column) for d in result.diagnostics]


# --- libyaml does the work ------------------------------------------------------------------------------


def test_the_composer_is_libyaml_through_ruamel_clib() -> None:
    mro = source._Composer.__mro__
    assert _ruamel_yaml.CParser in mro
    pure = (
        ruamel.yaml.composer.Composer,
        ruamel.yaml.parser.Parser,
        ruamel.yaml.scanner.Scanner,
        ruamel.yaml.reader.Reader,
        ruamel.yaml.constructor.BaseConstructor,
    )
    assert not [cls for cls in mro if cls in pure]


def test_a_parse_runs_no_pure_python_composer_parser_or_scanner() -> None:
    calls: list[tuple[str, str, str, str]] = []

    def profiler(frame, event, arg):  # type: ignore[no-untyped-def]
        if event == "call":
            back = frame.f_back
            calls.append(
                (
                    frame.f_code.co_filename,
                    frame.f_code.co_name,
                    back.f_code.co_filename if back else "",
                    back.f_code.co_name if back else "",
                )
            )

    text = FLOW + "labels:\n  team: data\n"
    sys.setprofile(profiler)
    try:
        parsed = source.parse("flow.yml", text)
    finally:
        sys.setprofile(None)

    pure_files = {
        ruamel.yaml.composer.__file__,
        ruamel.yaml.parser.__file__,
        ruamel.yaml.scanner.__file__,
        ruamel.yaml.reader.__file__,
        ruamel.yaml.constructor.__file__,
    }
    assert [c for c in calls if c[0] in pure_files] == []
    # Nodes are made straight from C code running under source.compose: no Python composer in between.
    node_inits = [c for c in calls if c[0] == ruamel.yaml.nodes.__file__ and c[2] != ruamel.yaml.nodes.__file__]
    assert len(node_inits) >= 12
    assert {(c[2], c[3]) for c in node_inits} == {(source.__file__, "compose")}
    assert parsed.error is None
    assert isinstance(parsed.documents[0].start_mark, _ruamel_yaml.Mark)


def test_nodes_keep_marks_and_yaml_1_2_tags() -> None:
    parsed = source.parse("f.yml", "a: yes\nb: 0.20\nc: 012\nd: ~\n")
    root = parsed.documents[0]
    tags = {k.value: v.tag for k, v in root.value}
    # YAML 1.2: `yes` is a string, not a boolean
    assert tags == {"a": nodes.STR_TAG, "b": nodes.FLOAT_TAG, "c": nodes.INT_TAG, "d": nodes.NULL_TAG}
    assert nodes.span_of(root.value[1][1]) == Span(2, 4, 2, 8, 10, 14)


# --- documents ---------------------------------------------------------------------------------------


def test_every_flow_document_is_checked_and_other_documents_are_skipped() -> None:
    text = FLOW + "---\n" + "just: data\nlist: [1, 2]\n" + "---\n- a list\n" + "---\n" + FLOW.replace("demo", "other")
    result = lint_bytes(text.encode())
    assert (result.documents, result.flows) == (4, 2)
    # lines 5 and 16: the first and the last document; the same task id in two flows is no FL005
    assert found(result) == [("FL101", 5, 11, 5, 26), ("FL101", 16, 11, 16, 26)]
    assert [d.message for d in result.diagnostics] == [UNKNOWN, UNKNOWN]
    assert not result.skipped


def test_a_file_of_non_flow_documents_is_skipped_not_failed() -> None:
    result = lint_bytes(b"key: value\n---\n- 1\n- 2\n")
    assert (result.documents, result.flows, result.diagnostics, result.skipped) == (2, 0, (), True)


def test_an_empty_file_has_no_documents() -> None:
    result = lint_bytes(b"")
    assert (result.documents, result.flows, result.diagnostics, result.skipped) == (0, 0, (), True)


def test_a_syntax_error_is_fl001_at_the_parser_mark_and_earlier_documents_are_checked() -> None:
    text = FLOW + "---\n" + FLOW.replace("demo", "broken") + "   bad: indentation\n"
    result = lint_bytes(text.encode())
    assert (result.documents, result.flows) == (1, 1)
    assert found(result) == [("FL101", 5, 11, 5, 26), ("FL001", 12, 4, 12, 5)]
    assert result.diagnostics[1].message == (
        "did not find expected '-' indicator (while parsing a block collection at line 10)"
    )
    assert result.diagnostics[1].name == "yaml-syntax"
    assert result.diagnostics[1].severity.value == "error"


def test_an_unclosed_flow_sequence_is_located_where_the_parser_stopped() -> None:
    diagnostics = lint("id: a\nnamespace: n\ntasks: [\n  {id: t, type: io.nope.X},\n")
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("FL001", 5, 1)]
    assert diagnostics[0].message == "did not find expected node content (while parsing a flow node at line 5)"


# --- encodings and line breaks -----------------------------------------------------------------------


def test_utf8_bom_is_skipped_and_positions_do_not_move() -> None:
    plain = lint_bytes(FLOW.encode())
    with_bom = lint_bytes(b"\xef\xbb\xbf" + FLOW.encode())
    assert found(with_bom) == found(plain) == [("FL101", 5, 11, 5, 26)]


def test_crlf_line_endings_keep_lines_columns_and_offsets() -> None:
    shell = "  - id: shell\n    type: io.kestra.plugin.scripts.shell.Script\n    version: 0.20\n"
    crlf = (FLOW + shell).replace("\n", "\r\n")
    result = lint_bytes(b"\xef\xbb\xbf" + crlf.encode())
    assert found(result) == [("FL101", 5, 11, 5, 26), ("FL102", 8, 14, 8, 18), ("FL107", 8, 14, 8, 18)]
    # offsets index the decoded text (BOM removed, CRLF kept): they select exactly the node
    for diagnostic, expected in zip(result.diagnostics, ("io.nope.Missing", "0.20", "0.20"), strict=True):
        assert crlf[diagnostic.span.start_offset : diagnostic.span.end_offset] == expected
    assert result.diagnostics[2].message == (
        "version 0.20 is the number 0.2 for YAML: Kestra asks for version 0.2, which matches no installed version; "
        'quoted, "0.20" would run 0.20.0'
    )
    assert result.excerpts[5] == "    type: io.nope.Missing"


def test_crlf_suppression_comment_is_honoured() -> None:
    lines = ["id: a", "namespace: n", "tasks:"]
    for index in range(20):
        lines += [f"  - id: t{index}", "    type: io.kestra.plugin.core.log.Log", '    message: "a long message text"']
    lines += ["  - id: later", "    # flowlint: ignore[FL101] installed next week", "    type: io.nope.Missing"]
    for newline in ("\n", "\r\n"):
        assert lint(newline.join(lines) + newline, dedent=False) == []


def test_wide_characters_before_a_finding_do_not_shift_its_column() -> None:
    text = (
        "id: demo\nnamespace: company.team\n"
        'description: "😀😀 数据管道"\n'
        "tasks:\n"
        '  - {id: "😀日本", message: "中文😀", type: io.nope.Missing}\n'
    )
    diagnostics = lint(text, select=["FL101"])
    assert [(d.code, d.span.line, d.span.column, d.span.end_column) for d in diagnostics] == [("FL101", 5, 39, 54)]
    span = diagnostics[0].span
    assert text[span.start_offset : span.end_offset] == "io.nope.Missing"
    # the same line with ASCII of the same length gives the same column
    ascii_text = text.replace("😀日本", "abc").replace("中文😀", "xyz")
    assert lint(ascii_text, select=["FL101"])[0].span.column == 39


def test_utf16_with_bom_is_read() -> None:
    result = lint_bytes(FLOW.encode("utf-16"))
    assert found(result) == [("FL101", 5, 11, 5, 26)]


def test_invalid_utf8_is_fl001_naming_the_byte_and_its_character_column() -> None:
    data = FLOW.encode() + 'message: "é'.rjust(15).encode() + b'\xff"\n'
    result = lint_bytes(data)
    assert (result.documents, result.flows) == (0, 0)
    assert found(result) == [("FL001", 6, 16, 6, 17)]
    assert result.diagnostics[0].message == "invalid UTF-8 text: byte 0xff at line 6, column 16"
    assert not result.skipped


def test_latin1_text_is_invalid_utf8() -> None:
    result = lint_bytes(b"id: caf\xe9\nnamespace: n\n")
    assert found(result) == [("FL001", 1, 8, 1, 9)]
    assert result.diagnostics[0].message == "invalid UTF-8 text: byte 0xe9 at line 1, column 8"


def test_nul_bytes_mean_not_a_text_file() -> None:
    result = lint_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert found(result) == [("FL001", 3, 1, 3, 2)]
    assert result.diagnostics[0].message == "not a text file: NUL byte at line 3, column 1"
    result = lint_bytes(b"id: a\x00\n")
    assert result.diagnostics[0].message == "not a text file: NUL byte at line 1, column 6"


def test_a_control_character_is_fl001_at_its_position() -> None:
    result = lint_bytes(FLOW.encode() + b'    message: "a\x07b"\n')
    assert found(result) == [("FL001", 6, 16, 6, 17)]
    assert result.diagnostics[0].message == "control characters are not allowed"


# --- hostile input -----------------------------------------------------------------------------------

_DEPTH_PROBE = """
import json, sys
from flowlint.source import parse
text = sys.stdin.read()
parsed = parse("deep.yml", text)
error = parsed.error
print(json.dumps(None if error is None else [error.message, error.span.line, error.span.column]))
"""

NESTED = "collections nested deeper than 1000 levels: Kestra's parser refuses them"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a: " + "[" * 1000 + "]" * 1000 + "\n", [NESTED, 1, 1003], id="flow-1001-deep"),
        pytest.param("a: " + "[" * 999 + "]" * 999 + "\n", None, id="flow-1000-deep-is-fine"),
        pytest.param("a: " + "{a: " * 60000 + "1" + "}" * 60000 + "\n", [NESTED, 1, 4000], id="flow-60000-deep"),
        pytest.param("- " * 1000 + "x\n", None, id="block-1000-deep-is-fine"),
        pytest.param("- " * 1001 + "x\n", [NESTED, 1, 2001], id="block-1001-deep"),
        pytest.param("- " * 100_000 + "x\n", [NESTED, 1, 2001], id="block-100000-deep"),
        pytest.param(
            "a: " + '[ "]", ' * 50_000 + "1" + "]" * 50_000 + "\n", [NESTED, 1, 6997], id="brackets-hidden-by-strings"
        ),
        pytest.param(
            "\r".join(" " * i + "k:" for i in range(1200)) + "\r" + " " * 1200 + "v\r",
            [NESTED, 1001, 1001],
            id="block-mappings-cr-line-breaks",
        ),
        pytest.param(
            'id: a\nnamespace: n\ndescription: "' + "[" * 5000 + '"\ntasks: []\n', None, id="brackets-in-a-string"
        ),
    ],
)
def test_nesting_deeper_than_1000_is_fl001_and_never_crashes(text: str, expected: list[object] | None) -> None:
    # In a child process: without the guard, libyaml's recursive composer overflows the C stack.
    done = subprocess.run(
        [sys.executable, "-c", _DEPTH_PROBE], input=text, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout) == expected


def test_deep_nesting_in_a_flow_is_one_fl001() -> None:
    text = "id: a\nnamespace: n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: "
    text += "[" * 1200 + "]" * 1200 + "\n"
    diagnostics = lint(text)
    assert [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics] == [("FL001", 6, 1011, NESTED)]


def billion_laughs(levels: int = 15) -> str:
    """A flow whose ``variables`` expand to 10**levels strings through nested aliases."""
    lines = [
        "id: bomb",
        "namespace: company.team",
        "tasks:",
        "  - id: hello",
        "    type: io.kestra.plugin.core.log.Log",
        "    message: hi",
        "variables:",
        '  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    lines += [f"  l{k}: &l{k} [" + ", ".join([f"*l{k - 1}"] * 10) + "]" for k in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_yaml_bomb_is_fl001_about_more_than_50_aliases_and_fast() -> None:
    started = time.perf_counter()
    diagnostics = lint(billion_laughs(), dedent=False)
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0
    # the 51st alias points at l5 (the 10 aliases of l1..l5 are the first 50): line 13, at its anchor
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("FL001", 13, 7)]
    assert diagnostics[0].message == (
        "more than 50 aliases to collections: Kestra's YAML parser refuses this document (a YAML bomb?)"
    )


def test_fifty_aliases_are_allowed() -> None:
    text = billion_laughs(levels=6)  # l1..l5: exactly 50 aliases
    assert codes(lint(text, dedent=False)) == []


def test_a_yaml_bomb_with_a_suppression_comment_is_still_fast() -> None:
    text = billion_laughs(levels=20).replace("    message: hi\n", "    message: hi  # flowlint: ignore[FL101]\n")
    started = time.perf_counter()
    diagnostics = lint(text, dedent=False)
    assert time.perf_counter() - started < 2.0
    assert codes(diagnostics) == ["FL900", "FL001"]


def test_source_lines_split_on_every_yaml_line_break() -> None:
    parsed = source.parse("f.yml", "a: 1\r\nb: 2\rc: 3\n")
    assert parsed.lines == ["a: 1", "b: 2", "c: 3", ""]
    assert parsed.line_text(2) == "b: 2"
    assert parsed.line_text(99) == ""


def test_example_files_are_not_modified_by_reading(tmp_path: Path) -> None:
    path = tmp_path / "flow.yml"
    path.write_bytes(b"\xef\xbb\xbf" + FLOW.replace("\n", "\r\n").encode())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = Linter(settings(), manifest(), enabled_codes(())).lint_path(path, "flow.yml")
    assert found(result) == [("FL101", 5, 11, 5, 26)]
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
