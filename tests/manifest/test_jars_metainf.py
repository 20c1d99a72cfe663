"""The text files of a JAR's META-INF as Java writes them (flowlint/manifest/jars/metainf.py)."""

from __future__ import annotations

from flowlint.manifest.jars.metainf import parse_manifest_mf, parse_services
from tests.manifest.plugin_jars import manifest_mf


def test_manifest_mf_continuation_lines_are_joined_as_bytes() -> None:
    title = "Plugin pour exécuter des scripts shell — très long titre qui dépasse largement soixante-douze octets"
    raw = manifest_mf({"X-Kestra-Title": title, "X-Kestra-Name": "plugin-script-shell"})
    assert any(line.startswith(b" ") for line in raw.split(b"\r\n"))
    attributes = parse_manifest_mf(raw)
    assert attributes["x-kestra-title"] == title
    assert attributes["x-kestra-name"] == "plugin-script-shell"
    lf = parse_manifest_mf(manifest_mf({"x-kestra-group": "io.kestra.plugin.scripts.shell"}, crlf=False))
    assert lf["x-kestra-group"] == "io.kestra.plugin.scripts.shell"
    sections = b"Manifest-Version: 1.0\nX-Kestra-Name: a\n\nName: io/x/\nX-Kestra-Name: b\n"
    assert parse_manifest_mf(sections)["x-kestra-name"] == "a"


def test_services_file_names_drop_comments_blanks_and_repeats() -> None:
    raw = b"# header\n\nio.kestra.plugin.a.A  # trailing\n  io.kestra.plugin.a.B\r\nio.kestra.plugin.a.A\n"
    assert parse_services(raw) == ["io.kestra.plugin.a.A", "io.kestra.plugin.a.B"]
