"""`flowlint fix` end to end through a real subprocess: --diff, writing in place, exit codes, --unsafe-fixes,
--pin (then `check` under defaultVersion NONE), --upgrade."""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import CORPUS, STANDARD_MANIFEST, run_cli

SCRIPT = "io.kestra.plugin.scripts.shell.Script"
QUERY = "io.kestra.plugin.jdbc.postgresql.Query"
# FL107 at 6:14 (fixable), nothing else
UNQUOTED = (
    f"id: a\nnamespace: company.team\ntasks:\n  - id: s\n    type: {SCRIPT}  # shell\n    version: 0.20\n"
    "    script: echo hello\n"
)
# FL108 at 5:11 (fixable) and FL102 at 10:14 (not fixable)
MIXED = (
    "id: b\nnamespace: company.team\ntasks:\n"
    "  - id: log\n    type: io.kestra.core.tasks.log.Log\n    message: hi\n"
    f'  - id: q\n    type: {QUERY}\n    sql: select 1\n    version: "1.2.0"\n'
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "manifest.json").write_text(json.dumps(STANDARD_MANIFEST), "utf-8")
    (tmp_path / ".flowlint.yaml").write_text("manifest: manifest.json\n", "utf-8")
    flows = tmp_path / "flows"
    flows.mkdir()
    (flows / "unquoted.yml").write_text(UNQUOTED, "utf-8")
    (flows / "mixed.yml").write_bytes(MIXED.replace("\n", "\r\n").encode("utf-8"))
    return tmp_path


def test_diff_shows_the_fixes_writes_nothing_and_exits_1(project: Path) -> None:
    before = {p: p.read_bytes() for p in (project / "flows").iterdir()}
    done = run_cli(["fix", "--diff", "flows"], cwd=project)
    assert done.returncode == 1, done.stderr
    assert done.stdout == (
        "--- a/flows/mixed.yml\n+++ b/flows/mixed.yml\n@@ -2,7 +2,7 @@\n"
        " namespace: company.team\r\n tasks:\r\n   - id: log\r\n"
        "-    type: io.kestra.core.tasks.log.Log\r\n+    type: io.kestra.plugin.core.log.Log\r\n"
        "     message: hi\r\n   - id: q\r\n"
        f"     type: {QUERY}\r\n"
        "--- a/flows/unquoted.yml\n+++ b/flows/unquoted.yml\n@@ -3,5 +3,5 @@\n"
        f" tasks:\n   - id: s\n     type: {SCRIPT}  # shell\n"
        '-    version: 0.20\n+    version: "0.20"\n'
        "     script: echo hello\n"
    )
    assert {p: p.read_bytes() for p in (project / "flows").iterdir()} == before
    clean = run_cli(["fix", "--diff", "flows/unquoted.yml", "--ignore", "FL107"], cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")


def test_fix_writes_in_place_keeping_permissions_and_line_endings(project: Path) -> None:
    mixed = project / "flows" / "mixed.yml"
    os.chmod(mixed, 0o640)
    done = run_cli(["fix", "flows", "--format", "concise"], cwd=project)
    assert done.returncode == 1, done.stderr  # FL102 remains
    lines = done.stdout.splitlines()
    assert lines[0] == "flows/mixed.yml:5:11: fixed FL108: replace with io.kestra.plugin.core.log.Log"
    assert lines[1] == 'flows/unquoted.yml:6:14: fixed FL107: quote the version as written: "0.20"'
    assert lines[2].startswith("flows/mixed.yml:10:14: FL102 [error] version 1.2.0 of")
    assert lines[-1] == "fixed 2 issues in 2 files; 1 remaining"
    expected = MIXED.replace("io.kestra.core.tasks.log.Log", "io.kestra.plugin.core.log.Log").replace("\n", "\r\n")
    assert mixed.read_bytes() == expected.encode("utf-8")
    assert stat.S_IMODE(mixed.stat().st_mode) == 0o640
    assert (project / "flows" / "unquoted.yml").read_text("utf-8") == UNQUOTED.replace("0.20", '"0.20"')
    assert [p.name for p in (project / "flows").iterdir() if p.name.endswith(".tmp")] == []
    again = run_cli(["fix", "flows/unquoted.yml"], cwd=project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.splitlines()[-1] == "fixed 0 issues in 0 files; 0 remaining"


def test_unsafe_fixes_bump_pins_only_when_asked(project: Path) -> None:
    flow = project / "flows" / "pinned.yml"
    flow.write_text(f'id: c\nnamespace: n\ntasks:\n  - id: q\n    type: {QUERY}\n    version: "1.2.1"\n', "utf-8")
    safe = run_cli(["fix", "flows/pinned.yml", "--select", "FL202", "--fail-on", "info"], cwd=project)
    assert safe.returncode == 1 and '"1.2.1"' in flow.read_text("utf-8")
    assert 'unsafe fix available: bump to "1.2.3"' in safe.stdout
    unsafe = run_cli(
        ["fix", "flows/pinned.yml", "--select", "FL202", "--unsafe-fixes", "--fail-on", "info"], cwd=project
    )
    assert unsafe.returncode == 0, unsafe.stdout
    assert '    version: "1.2.3"\n' in flow.read_text("utf-8")


def test_upgrade_rewrites_pins_and_reports_them(project: Path) -> None:
    flow = project / "flows" / "pinned.yml"
    flow.write_text(
        f"id: c\nnamespace: prod.sales\ntasks:\n  - id: q\n    type: {QUERY}\n    version: '0.19.0'\n"
        "    url: jdbc:postgresql://db:5432/sales\n    sql: SELECT 1\n"
        f'  - id: s\n    type: {SCRIPT}\n    version: "0.20.0"\n    script: echo hello\n',
        "utf-8",
    )
    args = ["fix", "flows/pinned.yml", "--upgrade", "io.kestra.plugin:plugin-jdbc-postgres=1.2.3"]
    elsewhere = run_cli([*args, "--namespace", "dev.**"], cwd=project)
    assert elsewhere.returncode == 0 and "'0.19.0'" in flow.read_text("utf-8")
    done = run_cli([*args, "--namespace", "prod.**"], cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"flows/pinned.yml:6:14: fixed upgrade: {QUERY} 0.19.0 -> 1.2.3"
    assert "    version: '1.2.3'\n" in flow.read_text("utf-8")
    assert '"0.20.0"' in flow.read_text("utf-8")
    missing = run_cli([*args[:-1], "io.kestra.plugin:plugin-jdbc-postgres=9.9.9"], cwd=project)
    assert (
        missing.returncode == 1 and "9.9.9 of io.kestra.plugin:plugin-jdbc-postgres is not installed" in missing.stderr
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upgrade", "io.kestra.plugin:plugin-jdbc-postgres"], "expected PLUGIN=VERSION"),
        (["--upgrade", "io.kestra.plugin:nothing=1.0.0"], "no installed plugin is io.kestra.plugin:nothing"),
        (["--pin", "--upgrade", "io.kestra.plugin:plugin-jdbc-postgres=1.2.3"], "separate runs"),
        (["--namespace", "prod.**"], "--namespace goes with --upgrade"),
        (["-"], "not standard input"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    done = run_cli(["fix", *args], cwd=project)
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


CORPUS_SAMPLE = sorted((CORPUS / "flows" / "kestra-io+examples").glob("*.yml"))[:40:4]


@pytest.mark.skipif(not CORPUS_SAMPLE, reason="shared corpus absent")
def test_pin_then_check_under_none_gives_no_fl103(tmp_path: Path) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    for path in CORPUS_SAMPLE:
        shutil.copy(path, flows / path.name)
    (tmp_path / "none.yaml").write_text("defaultVersion: NONE\n", "utf-8")
    before = run_cli(["check", "flows", "--config", "none.yaml", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert any(d["code"] == "FL103" for d in json.loads(before.stdout)["diagnostics"])
    pinned = run_cli(["fix", "--pin", "flows", "--quiet"], cwd=tmp_path)
    assert pinned.returncode in (0, 1), pinned.stderr
    after = run_cli(["check", "flows", "--config", "none.yaml", "--format", "json", "--no-cache"], cwd=tmp_path)
    assert [d for d in json.loads(after.stdout)["diagnostics"] if d["code"] == "FL103"] == []
    for path in CORPUS_SAMPLE:
        assert_only_versions_added(path.read_text("utf-8"), (flows / path.name).read_text("utf-8"))


def assert_only_versions_added(original: str, fixed: str) -> None:
    """``fixed`` is ``original`` plus whole ``version: "X"`` lines and ``, version: "X"`` in flow mappings."""
    old, new = original.splitlines(keepends=True), fixed.splitlines(keepends=True)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "insert":
            assert all(re.fullmatch(r' *version: "[^"]+"\r?\n?', line) for line in new[j1:j2]), new[j1:j2]
        elif tag == "replace":
            assert i2 - i1 == j2 - j1, (old[i1:i2], new[j1:j2])
            for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                assert re.sub(r', version: "[^"]+"', "", after, count=1) == before, (before, after)
        else:
            assert tag == "equal", (tag, old[i1:i2], new[j1:j2])


# FL107 on an anchored version that a second task aliases: the fix quotes the value and keeps the anchor
ANCHORED = (
    f"id: c\nnamespace: company.team\ntasks:\n  - id: a\n    type: {SCRIPT}\n    version: &v 0.20\n"
    f"  - id: b\n    type: {SCRIPT}\n    version: *v\n"
)
# FL107 at 9:14 in a flow Kestra cannot parse (FL001 at 4: 51 aliases to a list): fix leaves it alone
ALIAS_BOMB = (
    f"id: d\nnamespace: company.team\nvariables:\n  base: &b [1]\n  more: [{', '.join(['*b'] * 51)}]\n"
    f"tasks:\n  - id: a\n    type: {SCRIPT}\n    version: 0.20\n"
)


def test_the_editors_fix_all_applies_what_flowlint_fix_applies_and_nothing_it_refuses(project: Path) -> None:
    pytest.importorskip("pygls")
    from tests.cli.lsp_client import apply, open_document, span, start_server, stop_server

    (project / "flows" / "anchored.yml").write_text(ANCHORED, "utf-8")
    (project / "flows" / "bomb.yml").write_text(ALIAS_BOMB, "utf-8")
    done = run_cli(["fix", "flows/anchored.yml", "flows/bomb.yml"], project)
    assert done.returncode == 1, done.stderr  # the FL001 remains
    assert "flows/bomb.yml:4: nothing fixed: Kestra cannot parse this file (FL001: more than 50 aliases" in done.stderr
    expected = ANCHORED.replace("&v 0.20", '&v "0.20"')
    assert (project / "flows" / "anchored.yml").read_text("utf-8") == expected
    assert (project / "flows" / "bomb.yml").read_text("utf-8") == ALIAS_BOMB
    server = start_server(project)
    try:
        server.initialize(project, {"debounceMs": 0})
        context = {"diagnostics": [], "only": ["source.fixAll.flowlint"]}
        uri, published = open_document(server, project / "flows", "anchored.yml", ANCHORED)  # another name: FL703
        assert sorted(d["code"] for d in published["diagnostics"]) == ["FL102", "FL102", "FL107", "FL107"]
        where = {"textDocument": {"uri": uri}, "range": span(0, 0, 0), "context": context}
        [action] = server.request("textDocument/codeAction", where)
        assert action["kind"] == "source.fixAll.flowlint"
        assert apply(ANCHORED, action["edit"]["changes"][uri]) == expected
        uri, published = open_document(server, project / "flows", "bomb.yml", ALIAS_BOMB)
        assert sorted(d["code"] for d in published["diagnostics"]) == ["FL001", "FL102", "FL107"]
        where = {"textDocument": {"uri": uri}, "range": span(0, 0, 0), "context": context}
        assert server.request("textDocument/codeAction", where) == []  # it used to quote the version
        quick = {"textDocument": {"uri": uri}, "range": span(8, 0, 20), "context": {"diagnostics": []}}
        assert server.request("textDocument/codeAction", quick) == []  # no quick fix either
    finally:
        stop_server(server)
