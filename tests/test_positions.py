"""Positions stay inside the file (issue 12, ../shared/fuzz-cases/check-position-past-eof-*.yml and
check-utf16-error-column.yml).

Without a final line break libyaml ends the stream on a line of its own, past the file: an error at the end
of the stream and a collection that closes there must end where the text ends. A file that does not decode
as UTF-16/32 is located by the characters before the bad code unit, not by its bytes read as UTF-8.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from flowlint.diagnostics import FileResult
from flowlint.lint import Linter
from flowlint.rules import enabled_codes
from tests.conftest import lint, manifest, run_cli, settings, where

TRUNCATED = "# a comment\nid: a\nnamespace: b\ndescript"
"""check-position-past-eof-fl001.yml: a key cut short at the end of a file without a final line break."""

MAPPING_AS_TASKS = "# a comment\nnamespace: io.kestra.tests\ntasks:\n    message: Hello World!"
"""check-position-past-eof-fl007.yml: `tasks` is a mapping that closes at the end of the file."""


def lint_bytes(data: bytes) -> FileResult:
    return Linter(settings(), manifest(), enabled_codes(())).lint_bytes(data, "flow.yml")


def test_an_error_at_the_end_of_a_file_without_a_final_line_break_is_at_the_end_of_its_last_line() -> None:
    diagnostics = lint(TRUNCATED, dedent=False)
    assert [(d.code, *where(d)) for d in diagnostics] == [("FL001", 4, 9, 4, 9)]
    assert (diagnostics[0].span.start_offset, diagnostics[0].span.end_offset) == (len(TRUNCATED), len(TRUNCATED))
    assert diagnostics[0].message == "could not find expected ':' (while scanning a simple key at line 4)"


def test_a_collection_closing_at_the_end_of_a_file_without_a_final_line_break_ends_on_its_last_line() -> None:
    diagnostics = lint(MAPPING_AS_TASKS, dedent=False)
    assert [(d.code, *where(d)) for d in diagnostics] == [("FL003", 2, 1, 2, 10), ("FL007", 4, 5, 4, 26)]
    assert diagnostics[1].span.end_offset == len(MAPPING_AS_TASKS)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\u2028"])
def test_the_end_of_a_file_is_found_after_any_line_break(newline: str) -> None:
    text = newline.join([*MAPPING_AS_TASKS.split("\n"), "    other:", "      deeper: x"])
    diagnostics = lint(text, dedent=False)
    assert [(d.code, *where(d)) for d in diagnostics] == [("FL003", 2, 1, 2, 10), ("FL007", 4, 5, 6, 16)]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param("eof-fl001.yml", TRUNCATED, [("FL001", 4, 9, 4, 9)], id="fl001"),
        pytest.param("eof-fl007.yml", MAPPING_AS_TASKS, [("FL003", 2, 1, 2, 10), ("FL007", 4, 5, 4, 26)], id="fl007"),
    ],
)
def test_json_output_never_points_past_the_last_line(
    tmp_path: Path, name: str, text: str, expected: list[tuple[object, ...]]
) -> None:
    (tmp_path / name).write_text(text, "utf-8")
    done = run_cli(["check", "--no-cache", "--format", "json", name], tmp_path)
    assert done.returncode == 1, done.stderr
    found = [
        (d["code"], d["line"], d["column"], d["endLine"], d["endColumn"])
        for d in json.loads(done.stdout)["diagnostics"]
    ]
    assert found == expected
    assert (tmp_path / name).read_text("utf-8") == text


BEFORE_THE_BAD_UNIT = "id: a\nnamespace: b\ndescription: abcdefgh"
"""check-utf16-error-column.yml: line 3 has 21 characters before the lone surrogate."""


@pytest.mark.parametrize(
    ("bom", "encoding", "bad", "message"),
    [
        pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", b"\x00\xd8", "UTF-16 text: code unit 0xD800", id="utf-16-le"),
        pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", b"\xd8\x00", "UTF-16 text: code unit 0xD800", id="utf-16-be"),
        pytest.param(
            codecs.BOM_UTF32_LE, "utf-32-le", b"\x00\x00\x11\x00", "UTF-32 text: code unit 0x00110000", id="utf-32-le"
        ),
        pytest.param(
            codecs.BOM_UTF32_BE, "utf-32-be", b"\x00\x00\xd8\x00", "UTF-32 text: code unit 0x0000D800", id="utf-32-be"
        ),
        pytest.param(codecs.BOM_UTF8, "utf-8", b"\xff", "UTF-8 text: byte 0xff", id="utf-8-with-bom"),
    ],
)
def test_a_decoding_error_is_at_its_character_column(bom: bytes, encoding: str, bad: bytes, message: str) -> None:
    data = bom + BEFORE_THE_BAD_UNIT.encode(encoding) + bad + "x\n".encode(encoding)
    result = lint_bytes(data)
    assert [(d.code, *where(d)) for d in result.diagnostics] == [("FL001", 3, 22, 3, 23)]
    assert result.diagnostics[0].message == f"invalid {message} at line 3, column 22"


def test_a_utf16_file_cut_in_the_middle_of_a_code_unit_is_located_at_its_end() -> None:
    result = lint_bytes(codecs.BOM_UTF16_LE + BEFORE_THE_BAD_UNIT.encode("utf-16-le") + b"x")
    assert [(d.code, *where(d)) for d in result.diagnostics] == [("FL001", 3, 22, 3, 23)]
    assert result.diagnostics[0].message == (
        "invalid UTF-16 text: a truncated code unit (0x78 at the end) at line 3, column 22"
    )


def test_a_nul_byte_after_a_utf8_bom_is_at_its_character_column() -> None:
    result = lint_bytes(codecs.BOM_UTF8 + b"id: a\x00\n")
    assert [(d.code, *where(d)) for d in result.diagnostics] == [("FL001", 1, 6, 1, 7)]
    assert result.diagnostics[0].message == "not a text file: NUL byte at line 1, column 6"
