"""Permission checks for a session: live probes and policy evaluation, side by side.

A :class:`PermissionChecker` belongs to one :class:`~qds_notebook.session.Session`. It
keeps, per role, the gathered policies (compiled once) and the objects the last probes
found, so a repeated check costs about one round trip.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from qds_notebook.check import CheckReport, CheckRow, PolicyView
from qds_notebook.roles import EffectiveRole

if TYPE_CHECKING:
    from qds_notebook.session import Session

__all__ = ["PermissionChecker"]


class PermissionChecker:
    """Runs ``check()`` for a session's roles; caches per role."""

    def __init__(self, session: Session) -> None:
        self._ses = session
        self._lock = threading.Lock()
        self._views: dict[tuple[Any, ...], PolicyView] = {}
        self._memo: dict[tuple[Any, ...], dict[str, str]] = {}

    def policy_view(self, role: EffectiveRole, buckets: list[str] | None = None) -> PolicyView:
        """The role's visible (and admin-supplied) policies, gathered once as the role."""
        from qds_notebook.aws.gather import gather_policies, with_admin_policies

        ses = self._ses
        key = (role.key, tuple(sorted(set(buckets or []))))
        with self._lock:
            view = self._views.get(key)
        if view is None:
            gathered = gather_policies(
                iam=ses._role_client(role, "iam"),
                s3=ses._role_client(role, "s3"),
                role_name=role.name,
                buckets=buckets or [ses.config.default_location.bucket],
                session_policy=ses.source(role).policy,
            )
            gathered = with_admin_policies(gathered, ses.config.policies, role_name=role.name)
            view = PolicyView(role=role, gathered=gathered, principal=role.session_arn)
            with self._lock:
                view = self._views.setdefault(key, view)
        return view

    def check(
        self, role: EffectiveRole, *, write: bool, paths: list[str] | None, timeout: float
    ) -> CheckReport:
        """Probe ``role`` and evaluate its policies concurrently; one report."""
        from botocore.config import Config

        from qds_notebook.aws.probes import run_probes

        ses = self._ses
        start = time.perf_counter()
        ses.source(role).fetch()  # a role that cannot be assumed is an error, not a probe
        wanted = list(dict.fromkeys([*ses.config.data_locations, *(paths or [])]))
        locations = [ses.path(p) for p in wanted]
        probe_config = Config(
            region_name=ses.endpoint.region,
            # Two attempts of at most half the timeout each: one probe stays within it.
            connect_timeout=timeout / 2,
            read_timeout=timeout / 2,
            retries={"mode": "standard", "total_max_attempts": 2},
            max_pool_connections=20,
        )
        tag = f"probe:{timeout:g}"
        s3 = ses._role_client(role, "s3", config=probe_config, tag=tag)
        sts = ses._role_client(role, "sts", config=probe_config, tag=tag)
        buckets = [ses.config.default_location.bucket, *(loc.bucket for loc in locations)]
        with self._lock:
            memo = self._memo.setdefault(role.key, {})
        with ThreadPoolExecutor(1, thread_name_prefix="qds-gather") as pool:
            view_future = pool.submit(self.policy_view, role, buckets)
            results = run_probes(
                s3=s3,
                sts=sts,
                defloc=ses.config.default_location,
                paths=locations,
                write=write,
                timeout=timeout,
                memo=memo,
            )
            view = view_future.result()
        caller = next(
            (r.detail for r in results if r.operation == "GetCallerIdentity" and r.detail), None
        )
        return CheckReport(
            role=role,
            caller_arn=caller,
            rows=tuple(CheckRow.build(r, view) for r in results),
            not_visible=view.gathered.not_visible,
            supplied=view.gathered.supplied,
            elapsed=time.perf_counter() - start,
            _view=view,
            _resolve=ses.path,
        )
