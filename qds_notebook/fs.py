"""``qds://`` for everything fsspec reaches, and credentials that travel to Dask workers.

A :class:`RoleRecipe` says *how* to get a role's credentials (user, role, config, the
non-secret settings) and never holds a key. :class:`PortableAioSession` is an aiobotocore
session built from a recipe; it pickles as the recipe, so a Dask worker process rebuilds it
and assumes the role **with its own base credentials** (its default AWS chain), then
refreshes on its own. :class:`QdsFileSystem` (protocol ``qds``) roots s3fs at the default
location: ``pd.read_parquet("qds://sales/2024.parquet")``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from fsspec.implementations.dirfs import DirFileSystem

from qds_notebook.aws.credentials import RoleCredentialSource
from qds_notebook.errors import PathError

__all__ = ["PortableAioSession", "QdsFileSystem", "RoleRecipe", "source_for"]

_SOURCES: dict[RoleRecipe, RoleCredentialSource] = {}
_ENDPOINTS: dict[RoleRecipe, Any] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class RoleRecipe:
    """How to rebuild one role's credentials in another process (no secrets)."""

    user: str | None
    role: str | None
    scope: str | None = None
    duration_seconds: int | None = None
    config: str | None = None
    profile: str | None = None
    settings: tuple[tuple[str, Any], ...] = ()
    clock: str | None = None  # "module:attribute" of a clock, for tests that move time

    def connect(self) -> Any:
        """A Session on this recipe's role (base credentials from the default chain)."""
        from qds_notebook.session import Session

        extra: dict[str, Any] = {}
        if self.clock:
            import importlib

            module, _, attr = self.clock.partition(":")
            extra["clock"] = getattr(importlib.import_module(module), attr)
        ses = Session.connect(
            user=self.user, config=self.config, profile=self.profile, **extra, **dict(self.settings)
        )
        if self.role or self.scope or self.duration_seconds:
            ses.use(
                self.role or ses.effective_role.kind,
                scope=self.scope,
                duration_seconds=self.duration_seconds,
            )
        return ses


def register(recipe: RoleRecipe, source: RoleCredentialSource, endpoint: Any) -> None:
    """Let this process reuse a live source for ``recipe`` (no second AssumeRole)."""
    with _LOCK:
        _SOURCES.setdefault(recipe, source)
        _ENDPOINTS.setdefault(recipe, endpoint)


def source_for(recipe: RoleRecipe) -> tuple[RoleCredentialSource, Any]:
    """The process-wide credential source (and endpoint) for ``recipe``."""
    with _LOCK:
        if recipe in _SOURCES:
            return _SOURCES[recipe], _ENDPOINTS[recipe]
    ses = recipe.connect()
    register(recipe, ses.source(), ses.endpoint)
    with _LOCK:
        return _SOURCES[recipe], _ENDPOINTS[recipe]


def _aio_session_class() -> type:
    from aiobotocore.credentials import AioCredentialResolver
    from aiobotocore.session import AioSession

    from qds_notebook.aws.handles import _AioProvider

    class _Portable(AioSession):  # type: ignore[misc]
        def __init__(self, recipe: RoleRecipe) -> None:
            super().__init__()
            self.qds_recipe = recipe
            source, _ = source_for(recipe)
            self.register_component(
                "credential_provider", AioCredentialResolver([_AioProvider(source)])
            )

        def __reduce__(self) -> tuple[Any, tuple[RoleRecipe]]:
            return (PortableAioSession, (self.qds_recipe,))

        def __repr__(self) -> str:
            return f"<PortableAioSession {self.qds_recipe.user} {self.qds_recipe.role or ''}>"

    return _Portable


_PORTABLE: type | None = None


def PortableAioSession(recipe: RoleRecipe) -> Any:
    """An aiobotocore session for ``recipe`` that pickles as the recipe, never a key."""
    global _PORTABLE
    if _PORTABLE is None:
        _PORTABLE = _aio_session_class()
    return _PORTABLE(recipe)


def portable_storage_options(recipe: RoleRecipe) -> dict[str, Any]:
    """s3fs options for ``recipe``: picklable, secret-free, refreshing on each process."""
    from qds_notebook.aws.handles import session_storage_options

    _, endpoint = source_for(recipe)
    return session_storage_options(PortableAioSession(recipe), endpoint=endpoint)


class QdsFileSystem(DirFileSystem):  # type: ignore[misc]
    """``qds://PATH``: PATH under the account's default location, as the effective role.

    Parameters
    ----------
    user, role, config, scope, duration_seconds, profile
        Select the user and role (``storage_options={"role": "account"}``); default
        ``$QDS_USER`` and their default role, ``$QDS_CONFIG``.
    clock
        ``"module:attribute"`` of the clock credentials expire by (tests move time).
    """

    protocol = "qds"
    root_marker = ""

    def __init__(
        self,
        *,
        user: str | None = None,
        role: str | None = None,
        config: str | None = None,
        scope: str | None = None,
        duration_seconds: int | None = None,
        profile: str | None = None,
        clock: str | None = None,
        **storage_options: Any,
    ) -> None:
        import s3fs

        recipe = RoleRecipe(
            user=user,
            role=role,
            scope=scope,
            duration_seconds=duration_seconds,
            config=config,
            profile=profile,
            clock=clock,
        )
        source, _ = source_for(recipe)
        self.default_location = _default_location(recipe)
        self.recipe = recipe
        s3 = s3fs.S3FileSystem(**portable_storage_options(recipe))
        super().__init__(path=self.default_location.location.fs_path, fs=s3, **storage_options)
        self.role = source.role

    @classmethod
    def _strip_protocol(cls, path: Any) -> Any:
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        path = str(path)
        for prefix in ("qds://", "qds::"):
            if path.startswith(prefix):
                path = path[len(prefix) :]
        return path.lstrip("/") if not path.startswith("/") else _absolute(path)

    def _join(self, path: Any) -> Any:
        if isinstance(path, str):
            rel = self._strip_protocol(path)
            if "://" in rel:
                raise PathError(
                    f"qds://{rel} names another location",
                    hint="qds:// paths are relative to the default location; "
                    "use s3:// with ses.storage_options() for other buckets",
                )
            return self.default_location.resolve(rel).fs_path
        if isinstance(path, dict):
            return {self._join(k): v for k, v in path.items()}
        return [self._join(p) for p in path]

    def __repr__(self) -> str:
        return f"<QdsFileSystem {self.default_location.uri} as {self.role}>"


def _absolute(path: str) -> str:
    raise PathError(
        f"qds://{path} is absolute",
        hint="qds:// paths are relative to the default location, e.g. qds://sales/2024.csv",
    )


def _default_location(recipe: RoleRecipe) -> Any:
    from qds_notebook.config import load_config

    args: dict[str, object] = {"user": recipe.user, **dict(recipe.settings)}
    return load_config(path=recipe.config, arguments=args).default_location
