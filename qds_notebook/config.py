"""Account configuration: the TOML schema, its validation and the one precedence rule.

Precedence, highest first: **explicit argument > environment > file > default**.
:func:`resolve_config` is pure (it takes the parsed file, the environment and the
arguments); :func:`load_config` adds only the reading of the file. Every resolved
setting records where it came from, so ``%qds config`` can show it.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qds_notebook.arns import (
    RoleArn,
    parse_role_arn,
    validate_duration,
    validate_external_id,
)
from qds_notebook.errors import ConfigError
from qds_notebook.locations import DefaultLocation, parse_default_location

__all__ = [
    "ENV_VARS",
    "AccountConfig",
    "AdminPolicies",
    "RoleSpec",
    "Setting",
    "UserSpec",
    "default_config_path",
    "load_config",
    "resolve_config",
]

DEFAULT_REGION = "us-east-1"
DEFAULT_DURATION = 3600
DEFAULT_MAX_ATTEMPTS = 5
#: The environment variable behind each overridable setting.
ENV_VARS: Mapping[str, str] = {
    "user": "QDS_USER",
    "role_arn": "QDS_ROLE_ARN",
    "external_id": "QDS_EXTERNAL_ID",
    "default_location": "QDS_DEFAULT_LOCATION",
    "region": "QDS_REGION",
    "endpoint_url": "QDS_ENDPOINT_URL",
    "max_attempts": "AWS_MAX_ATTEMPTS",
}
#: Settings ``connect(**overrides)`` accepts besides ``user``.
ARGUMENTS = (
    "account_name",
    "cache_dir",
    "default_location",
    "duration_seconds",
    "endpoint_url",
    "external_id",
    "max_attempts",
    "region",
    "role_arn",
)
_ACCOUNT_KEYS = {
    "name",
    "default_location",
    "region",
    "endpoint_url",
    "role",
    "dual_role",
    "data_locations",
}
_ROLE_KEYS = {"arn", "external_id", "duration_seconds"}
_USER_KEYS = {"role", "locked"}
_TOP_KEYS = {"account", "users", "cache", "policies"}
_FILE_KEYS = {
    "role_arn": "account.role.arn",
    "external_id": "account.role.external_id",
    "duration_seconds": "account.role.duration_seconds",
    "cache_dir": "cache.dir",
}
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_ENDPOINT = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$")


@dataclass(frozen=True, slots=True)
class Setting:
    """Where a resolved setting came from: ``argument``, ``env``, ``file`` or ``default``."""

    name: str
    value: object
    source: str
    detail: str = ""

    def describe(self) -> str:
        """``"region = 'us-east-1'  (file /home/a/.config/qds/config.toml)"``."""
        where = f"{self.source} {self.detail}".strip()
        return f"{self.name} = {self.value!r}  ({where})"


@dataclass(frozen=True, slots=True)
class RoleSpec:
    """A role the configuration names: its ARN, External ID and session duration."""

    arn: str
    external_id: str | None = None
    duration_seconds: int | None = None

    @property
    def parsed(self) -> RoleArn:
        """The ARN, parsed."""
        return parse_role_arn(self.arn, key="role")

    @property
    def name(self) -> str:
        """The role's name (last ARN segment)."""
        return self.parsed.name


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A user entry: an optional per-user IAM role override, and whether it is locked."""

    name: str
    role: RoleSpec | None = None
    locked: bool = False


@dataclass(frozen=True, slots=True)
class AdminPolicies:
    """Policy documents an admin supplies for what roles cannot read themselves.

    Every value is a path to a JSON policy document (relative paths are relative to the
    config file); the permission check reads them. ``scps``/``rcps`` are levels, root
    first, each a list of documents.
    """

    identity: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    boundary: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    buckets: Mapping[str, str] = field(default_factory=dict)
    scps: tuple[tuple[str, ...], ...] | None = None
    rcps: tuple[tuple[str, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """The resolved account configuration for one user.

    Attributes
    ----------
    name
        Account name, for display.
    user
        The current user (e.g. ``"alice@acme.com"``).
    default_location
        The account's default S3 location.
    role
        The account-wide cross-account role.
    dual_role
        The role cluster instances use, if configured (never assumed from a notebook).
    data_locations
        Data buckets/prefixes outside the default location that ``check()`` also probes.
    policies
        Policy documents supplied by an admin (``[policies]``), for the permission check.
    users
        Every user entry, by name.
    settings
        Provenance of each resolved setting.
    """

    name: str
    user: str
    default_location: DefaultLocation
    region: str
    role: RoleSpec
    duration_seconds: int
    endpoint_url: str | None = None
    dual_role: RoleSpec | None = None
    users: Mapping[str, UserSpec] = field(default_factory=dict)
    cache_dir: str | None = None
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    data_locations: tuple[str, ...] = ()
    policies: AdminPolicies = field(default_factory=AdminPolicies)
    path: str | None = None
    settings: tuple[Setting, ...] = ()

    @property
    def user_spec(self) -> UserSpec:
        """The current user's entry (an empty one when the file does not list them)."""
        return self.users.get(self.user) or UserSpec(name=self.user)

    def setting(self, name: str) -> Setting:
        """The provenance record of one setting."""
        for item in self.settings:
            if item.name == name:
                return item
        raise KeyError(name)


def default_config_path(env: Mapping[str, str]) -> Path:
    """``$QDS_CONFIG`` if set, else ``~/.config/qds/config.toml`` (``$XDG_CONFIG_HOME`` aware)."""
    if env.get("QDS_CONFIG"):
        return Path(env["QDS_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or os.path.join(env.get("HOME") or "~", ".config")
    return Path(base).expanduser() / "qds" / "config.toml"


def _unknown(keys: set[str], allowed: set[str], where: str) -> None:
    extra = sorted(keys - allowed)
    if extra:
        close = difflib.get_close_matches(extra[0], sorted(allowed), n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(allowed))}"
        raise ConfigError(
            f"unknown key {extra[0]!r} in {where}", key=f"{where}.{extra[0]}", hint=hint
        )


def _table(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table", key=where)
    return value


def _role_spec(value: object, where: str) -> RoleSpec:
    table = _table(value, where)
    _unknown(set(table), _ROLE_KEYS, where)
    if "arn" not in table:
        raise ConfigError(
            f"{where}.arn is missing",
            key=f"{where}.arn",
            hint='add arn = "arn:aws:iam::…:role/NAME"',
        )
    arn = parse_role_arn(table["arn"], key=f"{where}.arn").arn
    ext = table.get("external_id")
    duration = table.get("duration_seconds")
    return RoleSpec(
        arn=arn,
        external_id=None if ext is None else validate_external_id(ext, key=f"{where}.external_id"),
        duration_seconds=None
        if duration is None
        else validate_duration(duration, key=f"{where}.duration_seconds"),
    )


def _users(value: object) -> dict[str, UserSpec]:
    users: dict[str, UserSpec] = {}
    for name, entry in _table(value, "users").items():
        where = f'users."{name}"'
        table = _table(entry, where)
        _unknown(set(table), _USER_KEYS, where)
        locked = table.get("locked", False)
        if not isinstance(locked, bool):
            raise ConfigError(f"{where}.locked must be true or false", key=f"{where}.locked")
        role = _role_spec(table["role"], f"{where}.role") if "role" in table else None
        if locked and role is None:
            raise ConfigError(
                f"{where} is locked but has no role override",
                key=f"{where}.locked",
                hint="give the user a role = {{ arn = …, external_id = … }} or remove locked",
            )
        users[name] = UserSpec(name=name, role=role, locked=locked)
    return users


def resolve_config(
    data: Mapping[str, Any],
    *,
    env: Mapping[str, str],
    arguments: Mapping[str, object],
    path: str | None = None,
    default_user: str = "analyst",
) -> AccountConfig:
    """Resolve the configuration from its four sources (pure).

    Parameters
    ----------
    data
        The parsed TOML file (empty when there is none).
    env
        The environment (``QDS_*`` variables are read from it).
    arguments
        Explicit arguments: ``user`` and any of :data:`ARGUMENTS`.
    path
        Where ``data`` came from, for provenance and messages.
    default_user
        The user when neither argument, environment nor file names one.

    Raises
    ------
    ConfigError
        Naming the offending key for any invalid or missing value.
    """
    unknown_args = sorted(set(arguments) - set(ARGUMENTS) - {"user"})
    if unknown_args:
        close = difflib.get_close_matches(unknown_args[0], ARGUMENTS, n=1)
        raise ConfigError(
            f"unknown option {unknown_args[0]!r}",
            key=unknown_args[0],
            hint=f"did you mean {close[0]!r}?" if close else f"options: {', '.join(ARGUMENTS)}",
        )
    _unknown(set(data), _TOP_KEYS, "the config file")
    account = _table(data.get("account"), "account")
    _unknown(set(account), _ACCOUNT_KEYS, "[account]")
    file_role = _table(account.get("role"), "account.role")
    cache = _table(data.get("cache"), "cache")
    _unknown(set(cache), {"dir"}, "[cache]")
    file_values: dict[str, object] = {
        "account_name": account.get("name"),
        "default_location": account.get("default_location"),
        "region": account.get("region"),
        "endpoint_url": account.get("endpoint_url"),
        "role_arn": file_role.get("arn"),
        "external_id": file_role.get("external_id"),
        "duration_seconds": file_role.get("duration_seconds"),
        "cache_dir": cache.get("dir"),
    }
    _unknown(set(file_role), _ROLE_KEYS, "[account.role]")
    defaults: dict[str, object] = {
        "account_name": "default",
        "user": default_user,
        "region": DEFAULT_REGION,
        "duration_seconds": DEFAULT_DURATION,
        "max_attempts": DEFAULT_MAX_ATTEMPTS,
    }
    settings: list[Setting] = []
    values: dict[str, object] = {}
    for name in ("user", *ARGUMENTS):
        env_name = ENV_VARS.get(name)
        if arguments.get(name) is not None:
            setting = Setting(name, arguments[name], "argument")
        elif env_name and env.get(env_name):
            setting = Setting(name, env[env_name], "env", env_name)
        elif file_values.get(name) is not None:
            setting = Setting(name, file_values[name], "file", path or "")
        elif name in defaults:
            setting = Setting(name, defaults[name], "default")
        else:
            setting = Setting(name, None, "unset")
        values[name] = setting.value
        settings.append(setting)

    def origin(name: str) -> str:
        # Name the setting the way its source spells it, so the user finds it.
        s = next(x for x in settings if x.name == name)
        if s.source == "env":
            return ENV_VARS.get(name, name)
        if s.source == "file":
            return f"{_FILE_KEYS.get(name, 'account.' + name)} in {path}"
        return name

    if values["default_location"] is None:
        raise ConfigError(
            "no default location configured",
            key="account.default_location",
            hint="set default_location in [account] or QDS_DEFAULT_LOCATION",
        )
    defloc = parse_default_location(values["default_location"], key=origin("default_location"))
    if values["role_arn"] is None:
        raise ConfigError(
            "no account role configured",
            key="account.role.arn",
            hint="set arn in [account.role] or QDS_ROLE_ARN",
        )
    role_arn = parse_role_arn(values["role_arn"], key=origin("role_arn")).arn
    ext = values["external_id"]
    external_id = None if ext is None else validate_external_id(ext, key=origin("external_id"))
    duration = validate_duration(
        _as_int(values["duration_seconds"]), key=origin("duration_seconds")
    )
    region = values["region"]
    if not isinstance(region, str) or not _REGION.match(region):
        raise ConfigError(
            f"{origin('region')}: {region!r} is not an AWS region",
            key="region",
            hint="e.g. us-east-1",
        )
    endpoint = values["endpoint_url"]
    if endpoint is not None and (not isinstance(endpoint, str) or not _ENDPOINT.match(endpoint)):
        raise ConfigError(
            f"{origin('endpoint_url')}: {endpoint!r} is not an http(s) endpoint URL",
            key="endpoint_url",
            hint="e.g. http://127.0.0.1:5000",
        )
    user = values["user"]
    if not isinstance(user, str) or not user.strip():
        raise ConfigError("user must be a non-empty string", key="user", hint="e.g. alice@acme.com")
    dual = account.get("dual_role")
    return AccountConfig(
        name=str(values["account_name"]),
        user=user.strip(),
        default_location=defloc,
        region=region,
        role=RoleSpec(arn=role_arn, external_id=external_id, duration_seconds=duration),
        duration_seconds=duration,
        endpoint_url=endpoint.rstrip("/") if isinstance(endpoint, str) else None,
        dual_role=None if dual is None else _dual_role(dual),
        users=_users(data.get("users")),
        cache_dir=None if values["cache_dir"] is None else str(values["cache_dir"]),
        data_locations=_data_locations(account.get("data_locations")),
        max_attempts=_attempts(values["max_attempts"], origin("max_attempts")),
        policies=_admin_policies(data.get("policies"), base=os.path.dirname(path or "")),
        path=path,
        settings=tuple(settings),
    )


def _paths(value: object, key: str, base: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(
            f"{key} must be a list of JSON policy file paths",
            key=key,
            hint='e.g. identity = ["policies/analyst.json"]',
        )
    return tuple(os.path.join(base, os.path.expanduser(v)) for v in value)


def _levels(value: object, key: str, base: str) -> tuple[tuple[str, ...], ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ConfigError(
            f"{key} must be a list of levels, root first, each a list of files",
            key=key,
            hint='e.g. scps = [["scp-root.json"], ["scp-ou.json"]]',
        )
    return tuple(_paths(level, key, base) for level in value)


def _admin_policies(value: object, *, base: str) -> AdminPolicies:
    table = _table(value, "policies")
    _unknown(set(table), {"roles", "buckets", "scps", "rcps"}, "[policies]")
    identity: dict[str, tuple[str, ...]] = {}
    boundary: dict[str, tuple[str, ...]] = {}
    for role, entry in _table(table.get("roles"), "policies.roles").items():
        where = f'policies.roles."{role}"'
        spec = _table(entry, where)
        _unknown(set(spec), {"identity", "boundary"}, where)
        if "identity" in spec:
            identity[role] = _paths(spec["identity"], f"{where}.identity", base)
        if "boundary" in spec:
            boundary[role] = _paths(spec["boundary"], f"{where}.boundary", base)
    buckets = {
        b: _paths(v, f'policies.buckets."{b}"', base)[0]
        for b, v in _table(table.get("buckets"), "policies.buckets").items()
    }
    return AdminPolicies(
        identity=identity,
        boundary=boundary,
        buckets=buckets,
        scps=_levels(table.get("scps"), "policies.scps", base),
        rcps=_levels(table.get("rcps"), "policies.rcps", base),
    )


def _attempts(value: object, key: str) -> int:
    value = _as_int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        raise ConfigError(
            f"{key}: max attempts must be a whole number 1..20, got {value!r}",
            key=key,
            hint="botocore's standard retry mode uses 3 by default",
        )
    return value


def _data_locations(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    key = "account.data_locations"
    if not isinstance(value, list):
        raise ConfigError(f"{key} must be a list of s3:// URIs", key=key)
    for item in value:
        parse_default_location(item, key=key)
    return tuple(str(v) for v in value)


def _dual_role(value: object) -> RoleSpec:
    table = _table(value, "account.dual_role")
    _unknown(set(table), {"arn"}, "[account.dual_role]")
    return _role_spec(table, "account.dual_role")


def _as_int(value: object) -> object:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


def load_config(
    *,
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    arguments: Mapping[str, object] | None = None,
    default_user: str | None = None,
) -> AccountConfig:
    """Read the config file (if any) and resolve it with the environment and arguments.

    Parameters
    ----------
    path
        The TOML file. Default: ``$QDS_CONFIG``, else ``~/.config/qds/config.toml``.
        A path given explicitly or through ``QDS_CONFIG`` must exist; the default one may not.
    env
        The environment; default ``os.environ``.
    arguments
        Explicit arguments (highest precedence).
    default_user
        The user when nothing names one; default the login name.
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get("QDS_CONFIG"))
    file = Path(path).expanduser() if path is not None else default_config_path(env)
    data: Mapping[str, Any] = {}
    if file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"{file} is not valid TOML: {exc}", key=str(file), hint="fix the line it names"
            ) from None
        except OSError as exc:
            raise ConfigError(f"cannot read {file}: {exc.strerror}", key=str(file)) from None
    elif explicit:
        raise ConfigError(
            f"config file {file} does not exist",
            key="QDS_CONFIG" if path is None else "config",
            hint="check the path, or start the sandbox with `qds-notebook sandbox`",
        )
    if default_user is None:
        import getpass

        try:
            default_user = getpass.getuser()
        except (KeyError, OSError):
            default_user = "analyst"
    try:
        return resolve_config(
            data,
            env=env,
            arguments=arguments or {},
            path=str(file) if data else None,
            default_user=default_user,
        )
    except ConfigError as exc:
        if data or exc.key not in ("account.default_location", "account.role.arn"):
            raise
        raise ConfigError(
            f"no account config: {file} does not exist and nothing sets "
            + (
                "the default location (QDS_DEFAULT_LOCATION)"
                if exc.key == "account.default_location"
                else "the account role (QDS_ROLE_ARN)"
            ),
            key=exc.key,
            hint="write that file (schema in the README), set QDS_CONFIG, or try the sandbox: "
            "qds-notebook sandbox",
        ) from None
