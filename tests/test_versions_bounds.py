"""Version numbers are bounded as Kestra's are: ``Version.of`` reads each number, and the number all digits of
the qualifier form, with ``Integer.parseInt``, so a version where one is above 2147483647 (Java's int) is not
a version. Thousands of digits are FL104 like any other invalid version, never a crash (issue 12,
../shared/fuzz-cases/check-huge-version-*.yml).
"""

from __future__ import annotations

import pytest

from flowlint.versions import parse_request, parse_version
from tests.conftest import lint, where

INVALID = "is not a version (MAJOR[.MINOR[.PATCH]][-QUALIFIER]) nor LATEST, OLDEST or NONE"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("1.0." + "9" * 5000, id="patch-of-5000-digits"),
        pytest.param("9" * 5000, id="major-of-5000-digits"),
        pytest.param("v1." + "9" * 5000, id="minor-of-5000-digits"),
        pytest.param("1.0.0-rc" + "9" * 5000, id="qualifier-number-of-5000-digits"),
        pytest.param("1.0.0-rc1-" + "9" * 5000, id="qualifier-digits-across-parts"),
        pytest.param("1.0.0-rc2147483648", id="qualifier-number-past-int"),
        pytest.param("1.0.0-20240101.123456", id="timestamp-qualifier-past-int"),
    ],
)
def test_a_number_above_javas_int_makes_no_version(text: str) -> None:
    assert parse_version(text) is None
    assert parse_request(text) is None


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        pytest.param("0" * 5000 + "1.0.0", (1, 0, 0, None), id="leading-zeros-as-parseInt-reads-them"),
        pytest.param("1.0.0-rc" + "0" * 5000 + "7", (1, 0, 0, "rc" + "0" * 5000 + "7"), id="qualifier-leading-zeros"),
    ],
)
def test_numbers_up_to_javas_int_are_read_whatever_their_length(text: str, fields: tuple[object, ...]) -> None:
    parsed = parse_version(text)
    assert parsed is not None
    assert (parsed.major, parsed.minor, parsed.patch, parsed.qualifier) == fields


def test_the_qualifier_number_orders_up_to_int_max() -> None:
    top, below = parse_version("1.0.0-rc2147483647"), parse_version("1.0.0-rc2147483646")
    assert top is not None and below is not None
    assert top.sort_key > below.sort_key
    seven = parse_version("1.0.0-rc" + "0" * 5000 + "7")
    assert seven is not None and seven.sort_key == (1, 0, 0, 0, 3, 7)


def flow(version: str) -> str:
    """The flow of the reproducers (with the standard manifest's shell plugin), ``version`` as written."""
    return (
        "id: a\nnamespace: b\ntasks:\n  - id: t\n    type: io.kestra.plugin.scripts.shell.Script\n"
        f"    script: ls\n    version: {version}\n"
    )


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param('"1.0.' + "9" * 5000 + '"', "1.0." + "9" * 5000, id="patch-digits"),
        pytest.param('"1.0.0-rc' + "9" * 5000 + '"', "1.0.0-rc" + "9" * 5000, id="qualifier-digits"),
        pytest.param("9" * 5000, "9" * 5000, id="unquoted-integer"),
        pytest.param('"0.20.0-rc2147483648"', "0.20.0-rc2147483648", id="qualifier-past-int"),
    ],
)
def test_a_version_of_thousands_of_digits_is_fl104_not_a_crash(written: str, value: str) -> None:
    # check-huge-version-*.yml: exit 3 "ValueError: Exceeds the limit (4300 digits) for integer string conversion"
    diagnostics = lint(flow(written), dedent=False)
    assert [(d.code, *where(d)) for d in diagnostics] == [("FL104", 7, 14, 7, 14 + len(written))]
    shown = repr(value) if len(value) <= 60 else f"{value[:24]!r}…{value[-12:]!r} ({len(value):,} characters)"
    assert diagnostics[0].message == f"invalid version: {shown} {INVALID}"  # a long version is cut in the middle
