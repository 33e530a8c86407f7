"""Property tests: every input is accepted or rejected with the package's own error."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qds_notebook.arns import parse_role_arn, role_session_name, validate_external_id
from qds_notebook.config import load_config, resolve_config
from qds_notebook.errors import QdsError
from qds_notebook.locations import DefaultLocation, parse_default_location, parse_s3_uri

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.lists(st.text(max_size=10), max_size=3),
)
ARN = "arn:aws:iam::123456789012:role/qds-account"
keys = st.sampled_from(
    [
        "name",
        "default_location",
        "region",
        "endpoint_url",
        "role",
        "dual_role",
        "arn",
        "external_id",
        "duration_seconds",
        "locked",
        "data_locations",
        "users",
        "account",
        "cache",
        "dir",
        "bogus",
    ]
)
trees = st.recursive(scalars, lambda c: st.dictionaries(keys, c, max_size=5), max_leaves=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(account=st.dictionaries(keys, trees, max_size=6), users=trees, extra=trees)
def test_any_config_tree_resolves_or_raises_qds_error(account, users, extra):
    data = {"account": account, "users": users, "cache": extra}
    with contextlib.suppress(QdsError):
        resolve_config(data, env={}, arguments={}, default_user="x")


@settings(max_examples=200)
@given(
    account=st.fixed_dictionaries(
        {
            "default_location": st.one_of(st.just("s3://acme-defloc/qds/"), st.text(max_size=30)),
            "region": st.one_of(st.just("us-east-1"), st.text(max_size=12)),
            "role": st.fixed_dictionaries(
                {
                    "arn": st.one_of(st.just(ARN), st.text(max_size=60)),
                    "external_id": st.one_of(st.none(), st.text(max_size=30)),
                    "duration_seconds": st.one_of(
                        st.none(), st.integers(-10, 50000), st.text(max_size=5)
                    ),
                }
            ),
        }
    )
)
def test_near_valid_configs_resolve_or_raise_qds_error(account):
    role = {k: v for k, v in account["role"].items() if v is not None}
    data = {"account": {**account, "role": role}}
    try:
        cfg = resolve_config(data, env={}, arguments={}, default_user="x")
    except QdsError:
        return
    assert 900 <= cfg.duration_seconds <= 43200
    assert cfg.default_location.uri.startswith("s3://")


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_any_toml_text_loads_or_raises_qds_error(text):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "config.toml"
        path.write_text(text, encoding="utf-8")
        with contextlib.suppress(QdsError):
            load_config(path=path, env={}, default_user="x")


@given(
    st.one_of(
        st.text(max_size=120),
        st.integers(),
        st.none(),
        st.builds(lambda n: f"arn:aws:iam::123456789012:role/{n}", st.text(max_size=70)),
    )
)
def test_arns_parse_or_raise_qds_error(value):
    with contextlib.suppress(QdsError):
        assert parse_role_arn(value, key="k").arn == value


@given(st.one_of(st.text(max_size=1300), st.integers(), st.none()))
def test_external_ids_validate_or_raise_qds_error(value):
    try:
        out = validate_external_id(value, key="k")
        assert 2 <= len(out) <= 1224
    except QdsError:
        pass


@given(st.text(max_size=200))
def test_session_names_never_fail(user):
    assert 2 <= len(role_session_name(user)) <= 64


@given(st.text(max_size=80), st.text(max_size=80))
def test_paths_and_uris_resolve_or_raise_qds_error(loc, path):
    try:
        defloc = parse_default_location(loc, key="k")
    except QdsError:
        defloc = DefaultLocation(bucket="acme-defloc", prefix="qds/")
    for candidate in (path, "s3://" + path):
        try:
            resolved = defloc.resolve(candidate)
            if "://" not in candidate:
                assert defloc.contains(resolved)
        except QdsError:
            pass
        with contextlib.suppress(QdsError):
            parse_s3_uri(candidate)
