"""Tests for flowlint.versions: Kestra's plugin-version grammar, ordering and matching (SEMANTICS §2-3).

Expected values come from SEMANTICS.md and from Kestra's ``io.kestra.core.utils.Version`` and its
``VersionTest``. The property tests compare the module against ``_java_compare``, an independent port of
``Version.compareTo`` written here, so that the ordering laws are checked against Kestra, not against
the module's own ``sort_key``.
"""

from __future__ import annotations

import functools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowlint.versions import (
    LEGACY,
    MODERN,
    Keyword,
    Version,
    closest,
    java_number_text,
    legacy_property_valid,
    match,
    newest,
    oldest,
    parse_keyword,
    parse_request,
    parse_version,
    sort_versions,
)

INT_MAX = 2**31 - 1


# --- helpers ------------------------------------------------------------------------------------------


def v(text: str) -> Version:
    """Parse ``text``, failing the test if it is not a valid version."""
    parsed = parse_version(text)
    assert parsed is not None, f"{text!r} should parse"
    return parsed


def vs(*texts: str) -> list[Version]:
    return [v(t) for t in texts]


def text_of(version: Version | None) -> str | None:
    return None if version is None else version.text


def full_text(major: int, minor: int, patch: int, qualifier: str | None) -> str:
    return f"{major}.{minor}.{patch}" + ("" if qualifier is None else f"-{qualifier}")


def is_element(item: Version | None, items: list[Version]) -> bool:
    return item is not None and any(item is candidate for candidate in items)


_JAVA_LABELS = ["ALPHA", "BETA", "SNAPSHOT", "RC", "RELEASE"]


def _java_of(text: str) -> tuple[int, int, int, str | None]:
    """``Version.of`` for the forms the grammar admits: numbers padded with 0, the qualifier or None."""
    text = text.removeprefix("v")
    dash = text.find("-")
    numbers = text[:dash] if dash > 0 else text
    parts = [int(p) for p in numbers.split(".")] + [0, 0]
    return parts[0], parts[1], parts[2], (text[dash + 1 :] if dash > 0 else None)


def _java_qualifier(qualifier: str) -> tuple[int, int]:
    """``Version.Qualifier``'s (priority, number)."""
    label = re.match(r"[A-Za-z]*", qualifier).group(0).upper()  # type: ignore[union-attr]
    priority = _JAVA_LABELS.index(label) if label in _JAVA_LABELS else -1
    digits = "".join(ch for ch in qualifier if ch.isdigit())
    number = int(digits) if digits and len(label) < len(qualifier) else 0
    return priority, number


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


def _java_compare(a: str, b: str) -> int:
    """-1 if ``a`` is older than ``b``, 0 if neither is newer, 1 if ``a`` is newer (Kestra's order)."""
    a_maj, a_min, a_inc, a_q = _java_of(a)
    b_maj, b_min, b_inc, b_q = _java_of(b)
    for x, y in ((a_maj, b_maj), (a_min, b_min), (a_inc, b_inc)):
        if x != y:
            return _sign(x - y)
    if a_q is None or b_q is None:
        return (a_q is None) - (b_q is None)
    (a_pri, a_num), (b_pri, b_num) = _java_qualifier(a_q), _java_qualifier(b_q)
    return _sign(a_pri - b_pri) if a_pri != b_pri else _sign(a_num - b_num)


def _key_compare(a: Version, b: Version) -> int:
    return (a.sort_key > b.sort_key) - (a.sort_key < b.sort_key)


# --- strategies ---------------------------------------------------------------------------------------

_numbers = st.integers(0, 3) | st.integers(0, INT_MAX)
_labels = st.sampled_from(
    ["alpha", "ALPHA", "Beta", "SNAPSHOT", "snapshot", "rc", "RC", "RELEASE", "release", "custom", "M", ""]
)


@st.composite
def qualifiers(draw: st.DrawFn) -> str:
    label = draw(_labels)
    number = draw(st.none() | st.integers(0, 20))
    separator = draw(st.sampled_from(["", ".", "-", "_"]))
    if number is None:
        return label or "x"
    return f"{label}{separator}{number}" if label else str(number)


@st.composite
def version_texts(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 3))
    numbers = ".".join(str(draw(_numbers)) for _ in range(count))
    qualifier = draw(st.none() | qualifiers())
    prefix = draw(st.sampled_from(["", "v"]))
    return prefix + numbers + ("" if qualifier is None else f"-{qualifier}")


versions = version_texts().map(v)
version_lists = st.lists(versions, max_size=12)


# --- §3: Kestra's own ordering cases --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["1.2", "1.0", "1.10"], "1.10"),
        (["1.0.0", "1.0.0-SNAPSHOT"], "1.0.0"),
        (["1.0.0-custom10", "1.0.0-SNAPSHOT"], "1.0.0-SNAPSHOT"),
        (["1", "3", "2"], "3"),
        (["1.0.9", "1.0.10", "1.0.11"], "1.0.11"),
        (["1.0.0-ALPHA", "1.0.0-BETA"], "1.0.0-BETA"),
        (["1.0.0-RELEASE", "1.0.0-SNAPSHOT"], "1.0.0-RELEASE"),
        (["1.0.0-RC10", "1.0.0-RC12"], "1.0.0-RC12"),
        (["1.0.0-rc.10", "1.0.0-rc.12"], "1.0.0-rc.12"),
    ],
)
def test_kestra_latest_cases(texts: list[str], expected: str) -> None:
    assert text_of(newest(vs(*texts))) == expected
    assert text_of(newest(reversed(vs(*texts)))) == expected


def test_kestra_oldest_case() -> None:
    assert text_of(oldest(vs("1.0.9", "1.0.10", "1.0.11"))) == "1.0.9"


def test_qualifier_ranks_in_order() -> None:
    shuffled = vs("1.0.0-RC", "1.0.0", "1.0.0-alpha", "1.0.0-RELEASE", "1.0.0-custom", "1.0.0-SNAPSHOT", "1.0.0-Beta")
    assert [x.text for x in sort_versions(shuffled)] == [
        "1.0.0-custom",
        "1.0.0-alpha",
        "1.0.0-Beta",
        "1.0.0-SNAPSHOT",
        "1.0.0-RC",
        "1.0.0-RELEASE",
        "1.0.0",
    ]


@pytest.mark.parametrize("unknown", ["custom10", "M5", "zeta99", "ga", "20240101", "RCfoo", "releases", "x"])
def test_unknown_labels_rank_below_alpha(unknown: str) -> None:
    assert text_of(newest(vs(f"1.0.0-{unknown}", "1.0.0-alpha"))) == "1.0.0-alpha"
    assert text_of(oldest(vs("1.0.0-alpha", f"1.0.0-{unknown}"))) == f"1.0.0-{unknown}"


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.0.0-RC10", "1.0.0-RC12"),
        ("1.0.0-rc.10", "1.0.0-rc.12"),
        ("1.0.0-RC9", "1.0.0-RC10"),  # numeric, not lexical
        ("1.0.0-rc", "1.0.0-rc1"),
        ("1.0.0-beta.2", "1.0.0-beta-3"),
        ("1.0.0-RC0-SNAPSHOT", "1.0.0-RC1"),  # label is RC, number 0
        ("1.0.0-SNAPSHOT", "1.0.0-rc0"),  # rank beats number
        ("1.0.0-custom99", "1.0.0-alpha"),
        ("1.0.0", "1.0.1-alpha"),  # numbers beat qualifiers
        ("1.9.0", "1.10.0"),
        ("1.9", "1.10"),
        ("0.99.99", "1"),
        ("1.0.0-RELEASE", "1.0.0"),
        ("2147483646", "2147483647"),
    ],
)
def test_strictly_older(older: str, newer: str) -> None:
    a, b = v(older), v(newer)
    assert a.sort_key < b.sort_key
    assert newest([a, b]) is b
    assert newest([b, a]) is b
    assert oldest([b, a]) is a


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1", "1.0.0"),
        ("1.2", "1.2.0"),
        ("v1.2.3", "1.2.3"),
        ("1.0.0-rc1", "1.0.0-RC1"),
        ("1.0.0-rc.1", "1.0.0-RC-1"),  # same rank and number: Kestra's compareTo gives 0
        ("1.0.0-alpha", "1.0.0-alpha0"),
        ("1.0.0-custom", "1.0.0-other"),
    ],
)
def test_equal_in_order(left: str, right: str) -> None:
    assert v(left).sort_key == v(right).sort_key


def test_sort_key_values() -> None:
    assert v("1.2.3").sort_key == (1, 2, 3, 1, 0, 0)
    assert v("1.2.3-rc.12").sort_key == (1, 2, 3, 0, 3, 12)
    assert v("1.2-custom7").sort_key == (1, 2, 0, 0, -1, 7)


# --- case-insensitive qualifier equality -----------------------------------------------------------------


def test_same_release_ignores_qualifier_case() -> None:
    assert v("1.0.0-rc.1").same_release(v("1.0.0-RC.1"))
    assert v("1.0.0-SNAPSHOT").same_release(v("1.0.0-snapshot"))
    assert v("1").same_release(v("1.0.0"))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("1.0.0-rc1", "1.0.0-rc.1"),  # equal in order, yet different qualifier text
        ("1.0.0", "1.0.0-RELEASE"),
        ("1.0.0", "1.0.1"),
        ("1.0.0-rc1", "1.0.1-rc1"),
    ],
)
def test_same_release_false(left: str, right: str) -> None:
    assert not v(left).same_release(v(right))
    assert not v(right).same_release(v(left))


# --- §3: matching -----------------------------------------------------------------------------------------

INSTALLED = ("1.2.1", "1.2.3", "0.99.0")


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("1.2.1", "1.2.1"),
        ("1.2.0", None),
        ("1.2.4", None),
        ("1.2", "1.2.3"),
        ("1", "1.2.3"),
        ("2", None),
        ("2.0", None),
        ("0.1", None),
        ("0", "0.99.0"),
        ("0.99", "0.99.0"),
        ("0.99.0", "0.99.0"),
        ("1.2.3-SNAPSHOT", None),
        ("v1.2.3", "1.2.3"),
        ("LATEST", "1.2.3"),
        ("latest", "1.2.3"),
        ("OLDEST", "0.99.0"),
        ("Oldest", "0.99.0"),
        ("NONE", None),
        ("none", None),
    ],
)
def test_match_table_modern(request_text: str, expected: str | None) -> None:
    request = parse_request(request_text)
    assert request is not None
    assert text_of(match(request, vs(*INSTALLED))) == expected
    assert text_of(match(request, vs(*INSTALLED), rules=MODERN)) == expected


def test_match_default_rules_are_modern() -> None:
    assert text_of(match(v("1.2.0"), vs(*INSTALLED))) is None
    assert text_of(match(v("1.2.0"), vs(*INSTALLED), rules=LEGACY)) == "1.2.3"


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("1.2.0", "1.2.3"),  # silently upgraded to the newest 1.2.x
        ("1.2.1", "1.2.3"),
        ("1.2.4", "1.2.3"),
        ("1.2.9-SNAPSHOT", "1.2.3"),
        ("1.3.0", None),
        ("0.99.5", "0.99.0"),
        ("1.2", "1.2.3"),
        ("1", "1.2.3"),
        ("2", None),
        ("LATEST", "1.2.3"),
        ("OLDEST", "0.99.0"),
        ("NONE", None),
    ],
)
def test_match_table_legacy(request_text: str, expected: str | None) -> None:
    request = parse_request(request_text)
    assert request is not None
    assert text_of(match(request, vs(*INSTALLED), rules=LEGACY)) == expected


def test_legacy_matches_kestra_get_stable() -> None:
    # VersionTest.shouldGetStableVersionGivenMajorMinorVersions / ...NoCompatibleVersions
    assert text_of(match(v("1.2.0"), vs("1.2.1", "1.2.2", "0.99.0"), rules=LEGACY)) == "1.2.2"
    assert match(v("1.2.0"), vs("1.3.0", "2.0.0", "0.99.0"), rules=LEGACY) is None


def test_match_exact_qualifier_case_insensitive() -> None:
    installed = vs("1.0.0-SNAPSHOT", "1.0.0-RC1", "1.0.0")
    assert text_of(match(v("1.0.0-snapshot"), installed)) == "1.0.0-SNAPSHOT"
    assert text_of(match(v("1.0.0-rc1"), installed)) == "1.0.0-RC1"
    assert text_of(match(v("1.0.0"), installed)) == "1.0.0"
    assert match(v("1.0.0-rc.1"), installed) is None
    assert match(v("1.0.0-RELEASE"), installed) is None


def test_match_partial_picks_newest_including_qualified() -> None:
    installed = vs("1.3.0-RC1", "1.2.9", "1.3.0-SNAPSHOT", "2.0.0-alpha")
    assert text_of(match(v("1"), installed)) == "1.3.0-RC1"
    assert text_of(match(v("1.3"), installed)) == "1.3.0-RC1"
    assert text_of(match(v("2"), installed)) == "2.0.0-alpha"
    assert match(v("3"), installed) is None


def test_match_on_empty_installed() -> None:
    for request in (Keyword.LATEST, Keyword.OLDEST, Keyword.NONE, v("1"), v("1.2"), v("1.2.3")):
        assert match(request, []) is None
        assert match(request, [], rules=LEGACY) is None


def test_newest_oldest_empty_and_first_of_equals() -> None:
    assert newest([]) is None
    assert oldest([]) is None
    assert sort_versions([]) == []
    a, b = v("1.0.0-rc1"), v("1.0.0-RC.1")
    assert newest([a, b]) is a
    assert newest([b, a]) is b
    assert oldest([a, b]) is a
    assert [x.text for x in sort_versions([b, a])] == ["1.0.0-RC.1", "1.0.0-rc1"]  # stable


# --- closest ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("1.2.0", "1.2.1"),  # same minor: the oldest at or above the request
        ("1.2.2", "1.2.3"),
        ("1.2.3", "1.2.3"),
        ("1.2.4", "1.2.3"),  # nothing above: the newest of the minor
        ("0.1.0", "0.99.0"),
        ("0.99.7", "0.99.0"),
    ],
)
def test_closest_installed_version_to_a_request(request_text: str, expected: str) -> None:
    assert text_of(closest(v(request_text), vs(*INSTALLED))) == expected


def test_closest_of_no_versions_is_none() -> None:
    assert closest(v("1.0.0"), []) is None


# --- §2: grammar ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("1", (1, 0, 0, None, 1, "1")),
        ("1.2", (1, 2, 0, None, 2, "1.2")),
        ("1.2.3", (1, 2, 3, None, 3, "1.2.3")),
        ("0.0.0", (0, 0, 0, None, 3, "0.0.0")),
        ("1-SNAPSHOT", (1, 0, 0, "SNAPSHOT", 1, "1-SNAPSHOT")),
        ("1.2-rc1", (1, 2, 0, "rc1", 2, "1.2-rc1")),
        ("1.2.3-SNAPSHOT", (1, 2, 3, "SNAPSHOT", 3, "1.2.3-SNAPSHOT")),
        ("1.2.3-RC0-SNAPSHOT", (1, 2, 3, "RC0-SNAPSHOT", 3, "1.2.3-RC0-SNAPSHOT")),
        ("1.2.3-rc.1", (1, 2, 3, "rc.1", 3, "1.2.3-rc.1")),
        ("1.2.3-beta_2", (1, 2, 3, "beta_2", 3, "1.2.3-beta_2")),
        ("v1", (1, 0, 0, None, 1, "1")),
        ("v1.2.3", (1, 2, 3, None, 3, "1.2.3")),
        ("v1.2.3-rc1", (1, 2, 3, "rc1", 3, "1.2.3-rc1")),
        ("0.20.0", (0, 20, 0, None, 3, "0.20.0")),
        ("01.002.0003", (1, 2, 3, None, 3, "01.002.0003")),
        ("2147483647.0.2147483647", (INT_MAX, 0, INT_MAX, None, 3, "2147483647.0.2147483647")),
    ],
)
def test_parse_valid(text: str, fields: tuple[object, ...]) -> None:
    parsed = v(text)
    assert (parsed.major, parsed.minor, parsed.patch, parsed.qualifier, parsed.parts, parsed.text) == fields
    assert str(parsed) == fields[-1]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "v",
        "vv1",
        "V1.0",
        "1.x",
        "1.2.x",
        "1.*",
        "*",
        ">=1.0",
        "^1.2",
        "~1.2",
        "1.0 - 2.0",
        "[1.0,2.0)",
        "1.2.3.4",
        "1.",
        ".1",
        "1..2",
        "1.2.3-",
        "1.2.3-rc..1",
        "1.2.3-rc+1",
        "1.2.3+build",
        " 1.0",
        "1.0 ",
        "1. 0",
        "1.0\n",
        "{{ version }}",
        "{{ vars.v }}",
        "-1",
        "1.-2",
        "+1",
        "2147483648",
        "1.2147483648",
        "1.0.2147483648",
        "99999999999999999999",
        "latest",
        "LATEST",
        "abc",
    ],
)
def test_parse_invalid(text: str) -> None:
    assert parse_version(text) is None


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("LATEST", Keyword.LATEST),
        ("latest", Keyword.LATEST),
        ("Latest", Keyword.LATEST),
        ("lAtEsT", Keyword.LATEST),
        ("OLDEST", Keyword.OLDEST),
        ("Oldest", Keyword.OLDEST),
        ("oldest", Keyword.OLDEST),
        ("NONE", Keyword.NONE),
        ("none", Keyword.NONE),
        ("None", Keyword.NONE),
    ],
)
def test_parse_keyword(text: str, keyword: Keyword) -> None:
    assert parse_keyword(text) is keyword
    assert parse_request(text) is keyword


@pytest.mark.parametrize(
    "text", ["", "LATEST ", " latest", "LATES", "LATEST1", "NEWEST", "CURRENT", "null", "1.0", "{{ LATEST }}"]
)
def test_parse_keyword_rejects(text: str) -> None:
    assert parse_keyword(text) is None


def test_parse_request() -> None:
    request = parse_request("1.2")
    assert isinstance(request, Version)
    assert (request.major, request.minor, request.parts) == (1, 2, 2)
    assert parse_request("1.x") is None
    assert parse_request("") is None
    assert parse_request("{{ version }}") is None


@given(version_lists)
def test_none_never_matches(installed: list[Version]) -> None:
    assert match(Keyword.NONE, installed) is None
    assert match(Keyword.NONE, installed, rules=LEGACY) is None


# --- legacy property regex (Kestra 0.22 to 1.0) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("0.21", False),
        ("0.21.0", True),
        ("LATEST", True),
        ("latest", True),
        ("OLDEST", True),
        ("0.21.0-SNAPSHOT", True),
        ("0.21.0-rc1", True),
        ("0.21.0-rc.1", False),
        ("0.21.0-RC0-SNAPSHOT", False),
        ("1", True),
        ("v1.0.0", False),
        ("1.x", False),
        ("1.2.3.4", False),
        ("", False),
        ("{{ version }}", False),
        (" 0.21.0", False),
        ("0.21.0\n", False),
        ("\u0661.\u0662.\u0663", False),  # Java's \d is ASCII-only
    ],
)
def test_legacy_property_valid(text: str, valid: bool) -> None:
    assert legacy_property_valid(text) is valid


# --- java_number_text: what Kestra reads from an unquoted YAML number --------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.2, "0.2"),
        (0.20, "0.2"),
        (1.1, "1.1"),
        (1.10, "1.1"),
        (1.0, "1.0"),
        (10, "10"),
        (0, "0"),
        (1e7, "1.0E7"),
        (1.5e-4, "1.5E-4"),
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (0.001, "0.001"),
        (9999999.0, "9999999.0"),
        (123456789.0, "1.23456789E8"),
        (1e-4, "1.0E-4"),
        (-2.5, "-2.5"),
        (1e23, "1.0E23"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        (float("nan"), "NaN"),
    ],
)
def test_java_number_text(value: float, expected: str) -> None:
    assert java_number_text(value) == expected


def test_unquoted_yaml_number_requests() -> None:
    # `version: 0.20` asks Kestra for 0.2, `version: 1.10` for 1.1 (SEMANTICS §2)
    assert text_of(match(v(java_number_text(1.10)), vs("1.1.0", "1.10.0"))) == "1.1.0"
    assert match(v(java_number_text(0.20)), vs("0.20.0")) is None


# --- properties -------------------------------------------------------------------------------------------


@given(version_texts())
def test_round_trip(text: str) -> None:
    parsed = parse_version(text)
    assert parsed is not None
    assert parsed.text == text.removeprefix("v")
    assert str(parsed) == parsed.text
    major, minor, patch, qualifier = _java_of(text)
    assert (parsed.major, parsed.minor, parsed.patch, parsed.qualifier) == (major, minor, patch, qualifier)
    assert parsed.parts == text.split("-", 1)[0].count(".") + 1
    again = parse_version(parsed.text)
    assert again == parsed
    assert again is not None and again.text == parsed.text


@given(versions, versions)
def test_order_agrees_with_kestra_compare(a: Version, b: Version) -> None:
    assert _key_compare(a, b) == _java_compare(a.text, b.text)
    assert _key_compare(a, b) == -_key_compare(b, a)  # antisymmetric


@given(versions, versions, versions)
def test_order_transitive(a: Version, b: Version, c: Version) -> None:
    if _java_compare(a.text, b.text) <= 0 and _java_compare(b.text, c.text) <= 0:
        assert a.sort_key <= c.sort_key


@given(version_lists)
def test_sort_versions_is_sorted_permutation(items: list[Version]) -> None:
    ordered = sort_versions(items)
    assert sorted(map(id, ordered)) == sorted(map(id, items))
    for i, earlier in enumerate(ordered):
        for later in ordered[i + 1 :]:
            assert _java_compare(earlier.text, later.text) <= 0
    by_kestra = sorted(items, key=functools.cmp_to_key(lambda x, y: _java_compare(x.text, y.text)))
    assert [x.sort_key for x in ordered] == [x.sort_key for x in by_kestra]


@given(version_lists)
def test_newest_and_oldest(items: list[Version]) -> None:
    top, bottom = newest(items), oldest(items)
    if not items:
        assert top is None and bottom is None
        return
    assert is_element(top, items) and is_element(bottom, items)
    assert top is not None and bottom is not None
    assert all(_java_compare(top.text, x.text) >= 0 for x in items)
    assert all(_java_compare(bottom.text, x.text) <= 0 for x in items)
    ordered = sort_versions(items)
    assert top.sort_key == ordered[-1].sort_key
    assert bottom.sort_key == ordered[0].sort_key


@given(st.integers(0, INT_MAX), st.integers(0, INT_MAX), st.integers(0, INT_MAX), qualifiers())
def test_unqualified_newer_than_qualified(major: int, minor: int, patch: int, qualifier: str) -> None:
    plain = v(f"{major}.{minor}.{patch}")
    qualified = v(f"{major}.{minor}.{patch}-{qualifier}")
    assert plain.sort_key > qualified.sort_key
    assert newest([qualified, plain]) is plain
    assert oldest([plain, qualified]) is qualified


@given(version_lists)
def test_latest_and_oldest_keywords(items: list[Version]) -> None:
    for rules in (MODERN, LEGACY):
        assert match(Keyword.LATEST, items, rules=rules) is newest(items)
        assert match(Keyword.OLDEST, items, rules=rules) is oldest(items)


@given(version_lists.filter(bool), st.data())
def test_exact_installed_version_matches_itself(items: list[Version], data: st.DataObject) -> None:
    chosen = data.draw(st.sampled_from(items))
    qualifier = chosen.qualifier
    if qualifier is not None:
        qualifier = data.draw(st.sampled_from([qualifier, qualifier.upper(), qualifier.lower()]))
    request = v(full_text(chosen.major, chosen.minor, chosen.patch, qualifier))
    found = match(request, items)
    assert is_element(found, items)
    assert found is not None and found.same_release(request) and found.same_release(chosen)


@given(version_lists, versions | st.sampled_from(list(Keyword)))
def test_match_returns_an_installed_version(items: list[Version], request: Version | Keyword) -> None:
    for rules in (MODERN, LEGACY):
        found = match(request, items, rules=rules)
        assert found is None or is_element(found, items)


@given(version_lists, versions)
def test_match_partial_requests(items: list[Version], request: Version) -> None:
    by_major = match(v(str(request.major)), items)
    same_major = [x for x in items if x.major == request.major]
    assert (by_major is None) == (not same_major)
    if by_major is not None:
        assert by_major.major == request.major
        assert by_major.sort_key == newest(same_major).sort_key  # type: ignore[union-attr]
    by_minor = match(v(f"{request.major}.{request.minor}"), items)
    same_minor = [x for x in same_major if x.minor == request.minor]
    assert (by_minor is None) == (not same_minor)
    if by_minor is not None:
        assert (by_minor.major, by_minor.minor) == (request.major, request.minor)
        assert by_minor.sort_key == newest(same_minor).sort_key  # type: ignore[union-attr]


@given(version_lists, versions)
def test_full_request_rules(items: list[Version], request: Version) -> None:
    full = v(full_text(request.major, request.minor, request.patch, request.qualifier))
    modern = match(full, items, rules=MODERN)
    if any(x.same_release(full) for x in items):
        assert modern is not None and modern.same_release(full)
    else:
        assert modern is None
    legacy = match(full, items, rules=LEGACY)
    assert legacy is match(v(f"{request.major}.{request.minor}"), items)
