"""Session names, ARNs and path resolution under the default location."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qds_notebook.arns import parse_role_arn, role_session_name
from qds_notebook.errors import ConfigError, PathError, QdsError
from qds_notebook.locations import DefaultLocation, parse_default_location, parse_s3_uri

VALID_SESSION = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)


@pytest.mark.parametrize(
    "user,expected",
    [
        ("alice@acme.com", "qds-alice-acme.com"),
        ("bob", "qds-bob"),
        ("Jöhn Doe@acme.com", "qds-J-hn-Doe-acme.com"),
        ("a b/c:d", "qds-a-b-c-d"),
        ("", "qds"),
    ],
)
def test_session_names_are_readable(user, expected):
    assert role_session_name(user) == expected


@given(st.text(max_size=300))
def test_session_names_are_always_valid_and_stable(user):
    name = role_session_name(user)
    assert VALID_SESSION.match(name), name
    assert role_session_name(user) == name


def test_long_names_stay_distinct():
    a, b = "x" * 80 + "@a.com", "x" * 80 + "@b.com"
    assert role_session_name(a) != role_session_name(b)
    assert len(role_session_name(a)) == 64


@pytest.mark.parametrize(
    "arn,name",
    [
        ("arn:aws:iam::123456789012:role/qds-account", "qds-account"),
        ("arn:aws:iam::123456789012:role/team/data/analyst", "analyst"),
        ("arn:aws-cn:iam::123456789012:role/x", "x"),
    ],
)
def test_role_arns_parse(arn, name):
    assert parse_role_arn(arn, key="k").name == name


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "arn:aws:iam::12345678901:role/x",
        "arn:aws:sts::123456789012:role/x",
        "role/x",
        "arn:aws:iam::123456789012:role/",
        42,
    ],
)
def test_bad_role_arns_name_the_key(arn):
    with pytest.raises(ConfigError, match=r"the\.key"):
        parse_role_arn(arn, key="the.key")


DEFLOC = DefaultLocation(bucket="acme-defloc", prefix="qds/")


@pytest.mark.parametrize(
    "path,uri",
    [
        ("sales/2024.csv", "s3://acme-defloc/qds/sales/2024.csv"),
        ("./sales//2024.csv", "s3://acme-defloc/qds/sales/2024.csv"),
        ("sales/../out/x.parquet", "s3://acme-defloc/qds/out/x.parquet"),
        ("sales/", "s3://acme-defloc/qds/sales/"),
        ("", "s3://acme-defloc/qds/"),
        ("s3://acme-raw/sales/x.csv", "s3://acme-raw/sales/x.csv"),
    ],
)
def test_paths_resolve_under_the_default_location(path, uri):
    assert DEFLOC.resolve(path).uri == uri


@pytest.mark.parametrize(
    "path",
    [
        "../x.csv",
        "sales/../../x",
        "..",
        "/abs/x",
        "s3://acme-defloc/qds/../other/x",
        "s3://Bad/x",
        "gs://b/x",
    ],
)
def test_escaping_or_bad_paths_are_refused(path):
    with pytest.raises(PathError):
        DEFLOC.resolve(path)


def test_bucket_root_default_location_refuses_climbing():
    root = parse_default_location("s3://acme-defloc", key="k")
    assert root.prefix == "" and root.resolve("a/b").uri == "s3://acme-defloc/a/b"
    with pytest.raises(PathError):
        root.resolve("../x")


def test_default_location_is_normalised():
    assert parse_default_location("s3://acme-defloc/qds", key="k").uri == "s3://acme-defloc/qds/"
    assert parse_s3_uri("s3://acme-defloc/qds/a").arn == "arn:aws:s3:::acme-defloc/qds/a"


@given(st.text(max_size=60))
def test_any_path_is_resolved_inside_or_refused_with_our_error(path):
    try:
        loc = DEFLOC.resolve(path)
    except QdsError:
        return
    if "://" not in path:
        assert DEFLOC.contains(loc)
