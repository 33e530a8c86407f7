"""The public namespace: a sorted ``__all__`` and a stdlib-only import."""

from __future__ import annotations

import subprocess
import sys

import qds_notebook.policy as policy


def test_all_sorted_and_present() -> None:
    assert policy.__all__ == sorted(policy.__all__)
    assert all(hasattr(policy, name) for name in policy.__all__)


def test_import_pulls_no_boto3_or_ipython() -> None:
    code = (
        "import sys, qds_notebook.policy, qds_notebook.policy.cli; "
        "print([m for m in ('boto3', 'botocore', 'IPython') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
