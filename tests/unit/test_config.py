"""Config schema, validation and the precedence: argument > environment > file > default."""

from __future__ import annotations

import pytest

from qds_notebook.config import load_config, resolve_config
from qds_notebook.errors import ConfigError, QdsError

ROLE = "arn:aws:iam::123456789012:role/qds-account"
FILE = {
    "account": {
        "name": "acme-analytics",
        "default_location": "s3://acme-defloc/qds/",
        "region": "eu-west-1",
        "endpoint_url": "http://127.0.0.1:5000",
        "role": {"arn": ROLE, "external_id": "qds-acme-7f3a", "duration_seconds": 1800},
        "dual_role": {"arn": "arn:aws:iam::123456789012:role/qds-instances"},
    },
    "users": {
        "alice@acme.com": {
            "role": {
                "arn": "arn:aws:iam::123456789012:role/alice-analyst",
                "external_id": "qds-alice-19c2",
            }
        },
        "carol@acme.com": {"role": {"arn": "arn:aws:iam::123456789012:role/carol"}, "locked": True},
    },
}

# (setting, argument value, env var, env value, file value, default)
PRECEDENCE = [
    ("user", "arg@acme.com", "QDS_USER", "env@acme.com", None, "login"),
    (
        "role_arn",
        "arn:aws:iam::111111111111:role/a",
        "QDS_ROLE_ARN",
        "arn:aws:iam::222222222222:role/e",
        ROLE,
        None,
    ),
    ("external_id", "arg-ext", "QDS_EXTERNAL_ID", "env-ext", "qds-acme-7f3a", None),
    (
        "default_location",
        "s3://arg-bucket/p/",
        "QDS_DEFAULT_LOCATION",
        "s3://env-bucket/p/",
        "s3://acme-defloc/qds/",
        None,
    ),
    ("region", "ap-south-1", "QDS_REGION", "us-west-2", "eu-west-1", "us-east-1"),
    (
        "endpoint_url",
        "http://127.0.0.1:1",
        "QDS_ENDPOINT_URL",
        "http://127.0.0.1:2",
        "http://127.0.0.1:5000",
        None,
    ),
]


def resolve(data=FILE, env=None, **arguments):
    return resolve_config(
        data, env=env or {}, arguments=arguments, path="/cfg.toml", default_user="login"
    )


@pytest.mark.parametrize(
    "name,arg,env_name,env_value,file_value,default", PRECEDENCE, ids=[p[0] for p in PRECEDENCE]
)
def test_precedence_argument_env_file_default(name, arg, env_name, env_value, file_value, default):
    env = {env_name: env_value}
    assert resolve(env=env, **{name: arg}).setting(name).value == arg
    assert resolve(env=env, **{name: arg}).setting(name).source == "argument"
    got = resolve(env=env).setting(name)
    assert (got.value, got.source, got.detail) == (env_value, "env", env_name)
    if file_value is not None:
        got = resolve().setting(name)
        assert (got.value, got.source) == (file_value, "file")
    if default is not None:
        data = {"account": {k: v for k, v in FILE["account"].items() if k != name}}
        got = resolve(data=data).setting(name)
        assert (got.value, got.source) == (default, "default")


def test_resolved_values_follow_precedence():
    cfg = resolve(env={"QDS_REGION": "us-west-2"}, default_location="s3://other-bucket/x")
    assert cfg.region == "us-west-2"
    assert cfg.default_location.uri == "s3://other-bucket/x/"
    assert cfg.role.arn == ROLE and cfg.role.external_id == "qds-acme-7f3a"
    assert cfg.duration_seconds == 1800
    assert cfg.dual_role is not None and cfg.dual_role.name == "qds-instances"
    assert cfg.users["carol@acme.com"].locked
    assert cfg.user == "login"


def test_duration_from_argument_beats_file():
    assert resolve(duration_seconds=900).duration_seconds == 900


@pytest.mark.parametrize(
    "mutate,key",
    [
        (lambda d: d["account"].update(default_location="acme-defloc/qds"), "default_location"),
        (lambda d: d["account"].update(default_location="s3://Bad_Bucket/x"), "default_location"),
        (lambda d: d["account"].update(default_location="s3://ab/x"), "default_location"),
        (lambda d: d["account"]["role"].update(arn="arn:aws:iam::123:role/x"), "account.role"),
        (
            lambda d: d["account"]["role"].update(arn="arn:aws:iam::123456789012:user/x"),
            "account.role",
        ),
        (lambda d: d["account"]["role"].update(external_id="x"), "external_id"),
        (lambda d: d["account"]["role"].update(external_id="bad id!"), "external_id"),
        (lambda d: d["account"]["role"].update(duration_seconds=899), "duration_seconds"),
        (lambda d: d["account"]["role"].update(duration_seconds=43201), "duration_seconds"),
        (lambda d: d["account"]["role"].update(duration_seconds="long"), "duration_seconds"),
        (lambda d: d["account"].update(region="mars"), "region"),
        (lambda d: d["account"].update(endpoint_url="ftp://x"), "endpoint_url"),
        (
            lambda d: d["users"]["alice@acme.com"]["role"].update(arn="nope"),
            'users."alice@acme.com".role.arn',
        ),
        (lambda d: d["users"]["carol@acme.com"].update(locked="yes"), "locked"),
        (lambda d: d["users"].update({"dave@acme.com": {"locked": True}}), "locked"),
        (lambda d: d["account"].update(defualt_location="s3://x-y/"), "defualt_location"),
        (lambda d: d["account"]["role"].pop("arn"), "account.role.arn"),
        (lambda d: d["account"].pop("default_location"), "default_location"),
    ],
)
def test_invalid_config_is_rejected_naming_the_key(mutate, key):
    import copy

    data = copy.deepcopy(FILE)
    mutate(data)
    with pytest.raises(ConfigError) as info:
        resolve(data=data)
    err = info.value
    assert key in (err.key or "") + str(err)
    assert "\n" not in str(err)


def test_unknown_key_suggests_the_right_one():
    data = {"account": {**FILE["account"], "defualt_location": "s3://a-b/"}}
    with pytest.raises(ConfigError, match="did you mean 'default_location'"):
        resolve(data=data)


def test_unknown_connect_option_suggests_the_right_one():
    with pytest.raises(ConfigError, match="did you mean 'role_arn'"):
        resolve(rolearn=ROLE)


def test_env_without_file_is_enough():
    env = {
        "QDS_ROLE_ARN": ROLE,
        "QDS_DEFAULT_LOCATION": "s3://acme-defloc/qds/",
        "QDS_USER": "bob@acme.com",
    }
    cfg = resolve(data={}, env=env)
    assert (cfg.user, cfg.role.arn, cfg.region) == ("bob@acme.com", ROLE, "us-east-1")


def test_load_config_reads_qds_config_and_reports_bad_toml(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[account]\ndefault_location = "s3://acme-defloc/qds/"\n[account.role]\narn = "{ROLE}"\n'
    )
    cfg = load_config(env={"QDS_CONFIG": str(path)}, default_user="x")
    assert cfg.path == str(path) and cfg.setting("role_arn").source == "file"
    path.write_text("[account\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(env={"QDS_CONFIG": str(path)}, default_user="x")


def test_missing_explicit_config_file_is_an_error_but_missing_default_is_not(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(path=tmp_path / "nope.toml", env={}, default_user="x")
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(env={"QDS_CONFIG": str(tmp_path / "nope.toml")}, default_user="x")
    env = {"HOME": str(tmp_path), "QDS_ROLE_ARN": ROLE, "QDS_DEFAULT_LOCATION": "s3://a-b/c/"}
    assert load_config(env=env, default_user="x").path is None


def test_every_config_error_is_a_qds_error():
    with pytest.raises(QdsError):
        resolve(data={})


def test_admin_policies_resolve_relative_to_the_config_file(tmp_path):
    data = {
        **FILE,
        "policies": {
            "scps": [["scp-root.json"], ["ou/scp.json"]],
            "roles": {"carol": {"identity": ["carol.json"], "boundary": "b.json"}},
            "buckets": {"acme-defloc": "bucket.json"},
        },
    }
    cfg = resolve_config(
        data, env={}, arguments={}, path=str(tmp_path / "config.toml"), default_user="x"
    )
    p = cfg.policies
    assert p.scps == ((str(tmp_path / "scp-root.json"),), (str(tmp_path / "ou/scp.json"),))
    assert p.identity["carol"] == (str(tmp_path / "carol.json"),)
    assert p.boundary["carol"] == (str(tmp_path / "b.json"),)
    assert p.buckets["acme-defloc"] == str(tmp_path / "bucket.json")
    assert p.rcps is None


@pytest.mark.parametrize(
    "policies,key",
    [
        ({"scps": "x.json"}, "policies.scps"),
        ({"roles": {"r": {"identity": [1]}}}, 'policies.roles."r".identity'),
        ({"roles": {"r": {"idenity": ["a.json"]}}}, "idenity"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_bad_admin_policies_name_the_key(policies, key):
    with pytest.raises(ConfigError) as info:
        resolve({**FILE, "policies": policies})
    assert key in (info.value.key or "") + str(info.value)


def test_no_config_at_all_says_where_it_looked(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_config(env={"HOME": str(tmp_path)}, default_user="x")
    text = str(info.value)
    assert str(tmp_path / ".config" / "qds" / "config.toml") in text
    assert "QDS_DEFAULT_LOCATION" in text and "qds-notebook sandbox" in text
