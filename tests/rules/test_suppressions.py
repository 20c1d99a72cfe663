"""`# flowlint:` suppression comments, and FL900/FL901 about the comments themselves."""

from __future__ import annotations

from collections.abc import Sequence

from flowlint.diagnostics import Diagnostic, Severity
from tests.conftest import codes, lint

HEAD = "id: hello\nnamespace: company.team\ntasks:\n"
NOT_INSTALLED = (
    "version 1.2.0 of io.kestra.plugin:plugin-jdbc-postgres is not installed (installed: 0.19.0, 1.2.1, 1.2.3)"
)


def bad(task_id: str, comment: str = "") -> str:
    """A task whose version (its third line) is FL102; ``comment`` ends that line."""
    return f'  - id: {task_id}\n    type: io.kestra.plugin.jdbc.postgresql.Query\n    version: "1.2.0"{comment}\n'


def log(task_id: str, comment: str = "") -> str:
    """A task with no finding; ``comment`` ends its first line."""
    return f"  - id: {task_id}{comment}\n    type: io.kestra.plugin.core.log.Log\n"


def lines(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, int, int]]:
    """(code, line, column) of each finding."""
    return [(d.code, d.span.line, d.span.column) for d in diagnostics]


def test_without_suppression_both_tasks_are_reported() -> None:
    assert lines(lint(HEAD + bad("a") + bad("b"))) == [("FL102", 6, 14), ("FL102", 9, 14)]


def test_ignore_on_the_line() -> None:
    found = lint(HEAD + bad("a", "  # flowlint: ignore[FL102] pinned until the upgrade") + bad("b"))
    assert lines(found) == [("FL102", 9, 14)]
    assert found[0].message == NOT_INSTALLED


def test_ignore_on_the_line_above() -> None:
    text = (
        HEAD
        + (
            "  - id: a\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
            "    # flowlint: ignore[FL102] reason\n"
            '    version: "1.2.0"\n'
        )
        + bad("b")
    )
    assert lines(lint(text)) == [("FL102", 10, 14)]


def test_ignore_above_skips_blank_and_comment_lines() -> None:
    text = HEAD + (
        "  - id: a\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
        "    # flowlint: ignore[FL102] reason\n\n    # an ordinary comment\n"
        '    version: "1.2.0"\n'
    )
    assert lint(text) == []


def test_ignore_applies_to_its_line_only() -> None:
    """On the `id` line of the task it does not reach the version two lines below: FL900 and FL102."""
    found = lint(HEAD + log("x") + "  - id: a  # flowlint: ignore[FL102]\n" + bad("a")[10:])
    assert lines(found) == [("FL900", 6, 12), ("FL102", 8, 14)]


def test_ignore_with_several_codes_reports_the_unused_ones() -> None:
    found = lint(HEAD + bad("a", "  # flowlint: ignore[FL102, FL107]"))
    assert lines(found) == [("FL900", 6, 23)]
    assert found[0].message == "`# flowlint: ignore[FL107]` suppresses nothing"
    assert found[0].severity is Severity.WARNING
    assert (found[0].span.end_line, found[0].span.end_column) == (6, 55)


def test_bare_ignore_suppresses_every_code_on_the_line() -> None:
    text = HEAD + "  - id: a\n    type: io.kestra.plugin.scripts.shell.Script\n    version: 0.20  # flowlint: ignore\n"
    assert codes(lint(text.replace("  # flowlint: ignore", ""))) == ["FL102", "FL107"]
    assert lint(text) == []


def test_disable_then_enable_suppresses_only_the_lines_between() -> None:
    text = HEAD + "# flowlint: disable[FL102]\n" + bad("a") + bad("b") + "# flowlint: enable[FL102]\n" + bad("c")
    assert lines(lint(text)) == [("FL102", 14, 14)]


def test_disable_without_enable_runs_to_the_end_of_the_file() -> None:
    assert lint(HEAD + bad("a") + "# flowlint: disable[FL102]\n" + bad("b") + bad("c")) == lint(HEAD + bad("a"))


def test_disable_only_the_named_code() -> None:
    text = HEAD + "# flowlint: disable[FL102]\n  - id: a\n    type: io.kestra.plugin.scripts.shell.Script\n"
    text += "    version: 0.20\n# flowlint: enable[FL102]\n"
    assert lines(lint(text)) == [("FL107", 7, 14)]


def test_file_ignore_anywhere_suppresses_the_whole_file() -> None:
    assert lint("# flowlint: file-ignore[FL102]\n" + HEAD + bad("a") + bad("b")) == []
    assert lint(HEAD + bad("a") + bad("b") + "# flowlint: file-ignore[FL102]\n") == []


def test_file_ignore_of_another_code_keeps_the_findings() -> None:
    found = lint("# flowlint: file-ignore[FL108]\n" + HEAD + bad("a"))
    assert lines(found) == [("FL900", 1, 1), ("FL102", 7, 14)]
    assert found[0].message == "`# flowlint: file-ignore[FL108]` suppresses nothing"


def test_directive_look_alike_in_a_quoted_string_is_not_a_directive() -> None:
    for value in ('"see # flowlint: file-ignore[FL102]"', "'see # flowlint: file-ignore[FL102]'"):
        text = HEAD + f"  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: {value}\n" + bad("b")
        assert lines(lint(text)) == [("FL102", 9, 14)], value


def test_directive_look_alike_in_a_multi_line_quoted_string_is_not_a_directive() -> None:
    text = (
        HEAD
        + (
            '  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: "first line\n'
            '      # flowlint: file-ignore[FL102]"\n'
        )
        + bad("b")
    )
    assert lines(lint(text)) == [("FL102", 10, 14)]


def test_directive_look_alike_in_a_block_scalar_is_not_a_directive() -> None:
    for indicator in ("|", ">", "|-", "|+"):
        text = (
            HEAD
            + (
                f"  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: {indicator}\n"
                "      echo start\n      # flowlint: file-ignore[FL102]\n      # flowlint: ignore[FL102]\n"
            )
            + bad("b")
        )
        assert lines(lint(text)) == [("FL102", 12, 14)], indicator


def test_real_directive_right_after_a_block_scalar_is_a_directive() -> None:
    text = (
        HEAD
        + (
            "  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: |\n      echo start\n\n"
            "# flowlint: file-ignore[FL102]\n"
        )
        + bad("b")
    )
    assert lint(text) == []


def test_a_comment_after_a_plain_scalar_is_a_directive() -> None:
    text = HEAD + "  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: plain text # flowlint: ignore\n"
    found = lint(text)
    assert lines(found) == [("FL900", 6, 25)]
    assert found[0].message == "`# flowlint: ignore` suppresses nothing"


def test_hash_glued_to_text_is_not_a_directive() -> None:
    text = HEAD + "  - id: x\n    type: io.kestra.plugin.core.log.Log\n    message: C#flowlint:ignore\n" + bad("b")
    assert lines(lint(text)) == [("FL102", 9, 14)]


def test_comment_without_a_space_after_the_hash_is_a_directive() -> None:
    assert lint(HEAD + bad("a", " #flowlint: ignore[FL102]")) == []


# FL900 unused-suppression -------------------------------------------------------------------------


def test_fl900_ignore_that_suppresses_nothing() -> None:
    found = lint(HEAD + log("a", "  # flowlint: ignore[FL102]"))
    assert lines(found) == [("FL900", 4, 12)]
    d = found[0]
    assert d.message == "`# flowlint: ignore[FL102]` suppresses nothing"
    assert (d.span.end_line, d.span.end_column) == (4, 37)
    assert d.name == "unused-suppression"


def test_fl900_bare_ignore_and_disable_that_suppress_nothing() -> None:
    found = lint(HEAD + log("a", "  # flowlint: ignore") + "# flowlint: disable[FL102]\n" + log("b"))
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found] == [
        ("FL900", 4, 12, "`# flowlint: ignore` suppresses nothing"),
        ("FL900", 6, 1, "`# flowlint: disable[FL102]` suppresses nothing"),
    ]


def test_fl900_is_only_judged_for_codes_enabled_in_the_run() -> None:
    assert lint(HEAD + log("a", "  # flowlint: ignore[FL102]"), select=["FL1"]) == []
    assert codes(lint(HEAD + log("a", "  # flowlint: ignore[FL102]"), select=["FL1", "FL9"])) == ["FL900"]


def test_fl900_a_used_suppression_is_fine() -> None:
    assert lint(HEAD + bad("a", "  # flowlint: ignore[FL102]")) == []


# FL901 unknown-code-in-suppression ----------------------------------------------------------------


def test_fl901_unknown_code_is_reported_and_the_known_code_still_judged() -> None:
    found = lint(HEAD + log("a", "  # flowlint: ignore[FL999, FL102]"))
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found] == [
        ("FL900", 4, 12, "`# flowlint: ignore[FL102]` suppresses nothing"),
        ("FL901", 4, 12, "unknown code FL999 in `# flowlint: ignore`"),
    ]
    assert found[1].help == "`flowlint rules` lists the codes"
    assert found[1].severity is Severity.WARNING


def test_fl901_malformed_code_is_quoted() -> None:
    found = lint(HEAD + bad("a", "  # flowlint: ignore[FL17]"))
    assert [(d.code, d.span.line, d.span.column, d.message) for d in found if d.code == "FL901"] == [
        ("FL901", 6, 23, "unknown code 'FL17' in `# flowlint: ignore`")
    ]
    assert "FL102" in codes(found)  # a misspelt code suppresses nothing


def test_fl901_in_disable_and_file_ignore() -> None:
    found = lint("# flowlint: file-ignore[FL1O2]\n" + HEAD + log("a"))
    assert [(d.code, d.message) for d in found] == [("FL901", "unknown code 'FL1O2' in `# flowlint: file-ignore`")]


def test_fl901_known_codes_are_fine() -> None:
    assert "FL901" not in codes(lint(HEAD + bad("a", "  # flowlint: ignore[FL102]")))
