"""``%load_ext qds_notebook`` stays light: nothing heavy is imported until a command runs."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("boto3", "botocore", "s3fs", "aiobotocore", "pandas", "pyarrow", "ipywidgets")

_SCRIPT = """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
ip = InteractiveShell.instance()
ip.run_line_magic("load_ext", "qds_notebook")
assert ip.find_line_magic("qds") is not None
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def test_load_ext_imports_nothing_heavy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT.format(heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_unload_removes_the_magic() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "qds_notebook")
    ip.run_line_magic("unload_ext", "qds_notebook")
    assert ip.find_line_magic("qds") is None
    assert "QdsMagics" not in ip.magics_manager.registry
    assert "%qds" not in ip.strdispatchers["complete_command"].strs
