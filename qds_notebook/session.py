"""The SDK's entry object: one user's session on the account, with a switchable role.

A :class:`Session` resolves the user's effective role, assumes it lazily, and hands out
boto3 sessions, s3fs filesystems and pandas storage options that all share one
refreshing credential source per role. Switching roles selects another source; a
filesystem made after a switch never carries the old role's credentials.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from qds_notebook.aws import data
from qds_notebook.aws.cache import CredentialCache
from qds_notebook.aws.credentials import RoleCredentialSource
from qds_notebook.aws.handles import Endpoint
from qds_notebook.aws.snapshot import Clock, CredentialSnapshot, mask_key, utcnow
from qds_notebook.aws.sts import CallerIdentity
from qds_notebook.config import AccountConfig, load_config
from qds_notebook.errors import CredentialError
from qds_notebook.locations import S3Location
from qds_notebook.roles import EffectiveRole, RoleChoice, choices, resolve, scope_policy

__all__ = ["Session"]


class Session:
    """One user's session on a QDS account.

    Parameters
    ----------
    config
        The resolved account configuration.
    base
        A boto3 session with the base (platform) credentials; default the standard chain
        (``profile`` selects an AWS profile).
    profile
        AWS profile for the base credentials when ``base`` is not given.
    clock
        Aware-UTC clock for credential expiry; injected by tests.
    scope
        ``"default_location"`` to narrow S3 with a session policy.
    """

    def __init__(
        self,
        config: AccountConfig,
        *,
        base: Any = None,
        profile: str | None = None,
        clock: Clock = utcnow,
        scope: str | None = None,
    ) -> None:
        self.config = config
        self.endpoint = Endpoint(
            region=config.region, url=config.endpoint_url, max_attempts=config.max_attempts
        )
        self._profile = profile
        self._base = base
        self._clock = clock
        self._cache = CredentialCache(config.cache_dir) if config.cache_dir else None
        self._lock = threading.Lock()
        self._sources: dict[tuple[Any, ...], RoleCredentialSource] = {}
        self._fs: dict[tuple[Any, ...], Any] = {}
        self._clients: dict[tuple[Any, ...], Any] = {}
        self._checker: Any = None
        self._role = resolve(config, scope=scope)

    @classmethod
    def connect(
        cls,
        *,
        user: str | None = None,
        config: str | os.PathLike[str] | None = None,
        profile: str | None = None,
        env: Mapping[str, str] | None = None,
        base: Any = None,
        clock: Clock = utcnow,
        scope: str | None = None,
        **overrides: Any,
    ) -> Session:
        """Load the configuration (argument > environment > file > default) and connect.

        ``profile`` (or ``$AWS_PROFILE``) names an AWS CLI profile: if it has ``role_arn``
        (and ``external_id``, ``source_profile``), that is the account role unless
        ``role_arn`` is given explicitly, and the source profile gives the base credentials.
        """
        arguments: dict[str, Any] = {"user": user, **overrides}
        environ = os.environ if env is None else env
        profile = profile or environ.get("AWS_PROFILE") or None
        if profile and base is None:
            from qds_notebook.aws.profiles import profile_role

            found = profile_role(profile)
            if found.role_arn and arguments.get("role_arn") is None:
                arguments["role_arn"] = found.role_arn
                if arguments.get("external_id") is None:
                    arguments["external_id"] = found.external_id
            if found.region and arguments.get("region") is None:
                arguments["region"] = found.region
            profile = found.base_profile
        cfg = load_config(path=config, env=environ, arguments=arguments)
        return cls(cfg, base=base, profile=profile, clock=clock, scope=scope)

    # -- roles ---------------------------------------------------------------------------

    @property
    def user(self) -> str:
        """The platform user."""
        return self.config.user

    @property
    def default_location(self) -> S3Location:
        """The account's default location."""
        return self.config.default_location.location

    def choices(self) -> tuple[RoleChoice, ...]:
        """The roles this user may pick, their default first."""
        return choices(self.config)

    @property
    def effective_role(self) -> EffectiveRole:
        """The role in effect now, with its kind and reason."""
        return self._role

    def use(
        self, role: str, *, scope: str | None = None, duration_seconds: int | None = None
    ) -> EffectiveRole:
        """Switch the effective role to ``"override"``, ``"account"`` or one of the user's ARNs.

        Raises
        ------
        RoleNotAllowed
            If ``role`` is not one of the user's choices.
        """
        new = resolve(self.config, role, scope=scope, duration_seconds=duration_seconds)
        with self._lock:
            self._role = new
        return new

    # -- credentials ---------------------------------------------------------------------

    def _base_session(self) -> Any:
        if self._base is None:
            from qds_notebook.aws.handles import base_boto3_session

            self._base = base_boto3_session(profile=self._profile, endpoint=self.endpoint)
        return self._base

    def _sts_factory(self) -> Any:
        from qds_notebook.aws.redact import install, register_secret

        install()  # before the first AssumeRole response reaches botocore's DEBUG log
        base = self._base_session()
        creds = base.get_credentials()
        if creds is not None:
            frozen = creds.get_frozen_credentials()
            register_secret(frozen.secret_key, frozen.token)
        return base.client(
            "sts", endpoint_url=self.endpoint.url, config=self.endpoint.botocore_config()
        )

    def source(self, role: EffectiveRole | None = None) -> RoleCredentialSource:
        """The shared credential source of ``role`` (default the effective role)."""
        role = role or self._role
        with self._lock:
            src = self._sources.get(role.key)
            if src is None:
                src = RoleCredentialSource(
                    role,
                    sts_factory=self._sts_factory,
                    policy=scope_policy(self.config.default_location)
                    if role.scope == "default_location"
                    else None,
                    endpoint=self.endpoint.url,
                    clock=self._clock,
                    cache=self._cache,
                )
                self._sources[role.key] = src
            return src

    def credentials(self) -> CredentialSnapshot:
        """The effective role's current temporary credentials (assumed if needed).

        The snapshot's repr shows only the access key id prefix and the expiry.
        """
        return self.source().fetch()

    def refresh(self) -> CredentialSnapshot:
        """Assume the effective role again now, whatever the current credentials' age."""
        # Handles adopt the new snapshot at their next refresh window; until then they keep
        # using the previous credentials, which stay valid until their own expiry.
        return self.source().fetch(force=True)

    def expires_in(self) -> float | None:
        """Seconds until the current credentials expire, ``None`` before the first assume."""
        snap = self.source().current
        return None if snap is None else snap.remaining(self._clock())

    def identity(self) -> CallerIdentity:
        """``sts:GetCallerIdentity`` as the effective role."""
        from qds_notebook.aws.sts import caller_identity, translate_error

        sts = self._role_client(self._role, "sts")
        try:
            return caller_identity(sts)
        except CredentialError:
            raise
        except Exception as exc:
            raise translate_error(
                exc, role=self._role, sts=self._sts_factory(), endpoint=self.endpoint.url
            ) from None

    # -- handles -------------------------------------------------------------------------

    def boto3_session(self) -> Any:
        """A ``boto3.Session`` with the effective role's refreshing credentials."""
        from qds_notebook.aws.handles import boto3_session

        src = self.source()
        src.fetch()
        return boto3_session(src, endpoint=self.endpoint)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` as the effective role (endpoint and retries set)."""
        kwargs.setdefault("config", self.endpoint.botocore_config())
        return self.boto3_session().client(service, **kwargs)

    def filesystem(self) -> Any:
        """An ``s3fs.S3FileSystem`` as the effective role; credentials refresh by themselves.

        The same object comes back for the same role; after :meth:`use` a different one.
        """
        from qds_notebook.aws.handles import s3_filesystem

        src = self.source()
        src.fetch()
        with self._lock:
            fs = self._fs.get(src.role.key)
            if fs is None:
                fs = self._fs[src.role.key] = s3_filesystem(src, endpoint=self.endpoint)
            return fs

    def storage_options(self) -> dict[str, Any]:
        """``storage_options`` for pandas/dask ``s3://`` calls as the effective role.

        Holds a refreshing aiobotocore session, never a key, and skips s3fs's instance cache.
        """
        from qds_notebook.aws.handles import s3_storage_options

        src = self.source()
        src.fetch()
        return s3_storage_options(src, endpoint=self.endpoint)

    def recipe(self) -> Any:
        """How another process rebuilds the effective role's credentials (no secrets)."""
        from qds_notebook.fs import RoleRecipe, register

        role = self._role
        settings = tuple(
            (s.name, s.value)
            for s in self.config.settings
            if s.source in ("argument", "env") and s.name not in ("user", "duration_seconds")
        )
        recipe = RoleRecipe(
            user=self.user,
            role=role.kind,
            scope=role.scope,
            duration_seconds=role.duration_seconds,
            config=self.config.path,
            profile=self._profile,
            settings=settings,
        )
        register(recipe, self.source(), self.endpoint)
        return recipe

    def dask_storage_options(self) -> dict[str, Any]:
        """``storage_options`` for Dask ``s3://`` calls: picklable, no secret inside.

        Each worker process rebuilds the session from the recipe and assumes the role with
        its own base credentials (its default AWS chain), refreshing on its own.
        """
        from qds_notebook.fs import portable_storage_options

        return portable_storage_options(self.recipe())

    # -- paths and data ------------------------------------------------------------------

    def path(self, path: str = "") -> S3Location:
        """Resolve ``path`` under the default location (a full ``s3://`` URI is kept)."""
        return self.config.default_location.resolve(path)

    def _errors(self, action: str, loc: S3Location, **kw: Any) -> Any:
        return data.s3_errors(self._role, action, loc, explain=self._explainer(), **kw)

    def _explainer(self) -> data.Explainer | None:
        role = self._role

        def explain(action: str, loc: S3Location) -> str | None:
            view = self._policy_view(role)
            text = str(view.decide_at(action, loc).explain())
            if view.gathered.partial:
                text += " (partial view of the role's policies)"
            return text

        return explain

    # -- permission checks ---------------------------------------------------------------

    def _role_client(
        self, role: EffectiveRole, service: str, *, config: Any = None, tag: str = ""
    ) -> Any:
        # Clients are costly to build (tens of ms) and thread-safe: keep one per role,
        # service and purpose. They share the role's refreshing credentials.
        from qds_notebook.aws.handles import boto3_session

        key = (role.key, service, tag)
        client = self._clients.get(key)
        if client is None:
            src = self.source(role)
            src.fetch()
            client = boto3_session(src, endpoint=self.endpoint).client(
                service, config=config or self.endpoint.botocore_config()
            )
            self._clients[key] = client
        return client

    @property
    def _permissions(self) -> Any:
        from qds_notebook.permissions import PermissionChecker

        if self._checker is None:
            self._checker = PermissionChecker(self)
        return self._checker

    def _policy_view(self, role: EffectiveRole, buckets: list[str] | None = None) -> Any:
        return self._permissions.policy_view(role, buckets)

    def check(
        self, *, write: bool = False, paths: list[str] | None = None, timeout: float = 20.0
    ) -> Any:
        """Probe and evaluate what the effective role may do; returns a ``CheckReport``.

        Parameters
        ----------
        write
            Also probe PutObject/DeleteObject with one throw-away key under
            ``<default location>/.qds-probe/``.
        paths
            Extra locations to probe (``"s3://acme-raw/sales/"``), besides the
            account's ``data_locations``.
        timeout
            Seconds allowed per probe.
        """
        return self._permissions.check(self._role, write=write, paths=paths, timeout=timeout)

    def compare(
        self,
        first: str = "override",
        second: str = "account",
        *,
        write: bool = False,
        paths: list[str] | None = None,
        timeout: float = 20.0,
    ) -> Any:
        """Check two of the user's roles side by side (differences first); switches nothing."""
        from concurrent.futures import ThreadPoolExecutor

        from qds_notebook.check import Comparison

        roles = [resolve(self.config, r, scope=self._role.scope) for r in (first, second)]
        with ThreadPoolExecutor(2, thread_name_prefix="qds-compare") as pool:
            left, right = pool.map(
                lambda r: self._permissions.check(r, write=write, paths=paths, timeout=timeout),
                roles,
            )
        return Comparison(left=left, right=right)

    def read(self, path: str, *, format: str | None = None, **kwargs: Any) -> Any:
        """Read a CSV, Parquet or JSON object (or Parquet dataset prefix) into a DataFrame."""
        loc = self.path(path)
        fmt = data.detect_format(loc, format)
        fs = self.filesystem()
        with self._errors("s3:GetObject", loc, may_be_missing=True):
            return data.read_frame(fs, loc, fmt, **kwargs)

    def read_csv(self, path: str, **kwargs: Any) -> Any:
        """``pandas.read_csv`` on a path under the default location."""
        return self.read(path, format="csv", **kwargs)

    def read_parquet(self, path: str, **kwargs: Any) -> Any:
        """``pandas.read_parquet`` on a file or dataset prefix under the default location."""
        return self.read(path, format="parquet", **kwargs)

    def read_json(self, path: str, **kwargs: Any) -> Any:
        """``pandas.read_json`` on a path under the default location."""
        return self.read(path, format="json", **kwargs)

    def write(self, frame: Any, path: str, *, format: str | None = None, **kwargs: Any) -> str:
        """Write ``frame``; returns the object's URI. Nothing is left behind on failure."""
        loc = self.path(path)
        fmt = data.detect_format(loc, format)
        fs = self.filesystem()
        with self._errors("s3:PutObject", loc):
            data.write_frame(fs, frame, loc, fmt, **kwargs)
        return loc.uri

    def to_parquet(self, frame: Any, path: str, **kwargs: Any) -> str:
        """Write ``frame`` as Parquet under the default location."""
        return self.write(frame, path, format="parquet", **kwargs)

    def to_csv(self, frame: Any, path: str, **kwargs: Any) -> str:
        """Write ``frame`` as CSV under the default location."""
        return self.write(frame, path, format="csv", **kwargs)

    def ls(self, path: str = "") -> list[data.Entry]:
        """Prefixes and objects directly under ``path`` (default: the default location)."""
        loc = self.path(path)
        fs = self.filesystem()
        with self._errors("s3:ListBucket", S3Location(loc.bucket, loc.key)):
            return data.list_entries(fs, loc)

    def iter_objects(self, path: str = "", *, page_size: int = 1000) -> Iterator[data.Entry]:
        """Every object under ``path`` (recursively), streamed page by page.

        Memory stays flat whatever the count: one listing page is held at a time.
        """
        loc = self.path(path)
        s3 = self._role_client(self._role, "s3")
        pages = s3.get_paginator("list_objects_v2").paginate(
            Bucket=loc.bucket, Prefix=loc.key, PaginationConfig={"PageSize": page_size}
        )
        with self._errors("s3:ListBucket", S3Location(loc.bucket, loc.key)):
            for page in pages:
                for obj in page.get("Contents", ()):
                    key = obj["Key"]
                    yield data.Entry(
                        name=key[len(loc.key) :],
                        path=f"s3://{loc.bucket}/{key}",
                        kind="object",
                        size=int(obj["Size"]),
                    )

    def __repr__(self) -> str:
        snap = self.source().current if self._role.key in self._sources else None
        held = f", key {mask_key(snap.access_key_id)}" if snap else ""
        return (
            f"<qds_notebook.Session user={self.user!r} role={self._role.kind}:"
            f"{self._role.name} defloc={self.config.default_location.uri}{held}>"
        )
