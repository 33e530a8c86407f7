"""Every notebook under notebooks/ executed with nbclient against the sandbox.

The saved .ipynb (outputs and widget state), the kernel's own stdout/stderr and its log
records at DEBUG are scanned for every secret the sandbox issued: zero hits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from qds_notebook import sandbox
from tests.conftest import find_secrets
from tests.notebook.conftest import ACCOUNT_CALLER, ALICE_CALLER, NOTEBOOKS, has_check

pytestmark = pytest.mark.slow

_LOGGING = """\
import logging
logging.basicConfig(filename={log!r}, level=logging.DEBUG, force=True)
logging.getLogger("botocore").setLevel(logging.DEBUG)
"""
_DRIVE_PANEL = """\
panel.wait()
panel.picker.value = "account"
panel.assume_button.click()
panel.wait()
print(panel.state.status.caller_arn)
print(panel.state.error or "no error")
"""


def run(name: str, tmp_path: Path, env: dict[str, str], extra: str = "") -> dict[str, str]:
    """Execute ``notebooks/NAME`` in a fresh kernel; return the texts to scan."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "committed outputs"
    if not has_check():
        nb.cells = [c for c in nb.cells if "check" not in c.source and "compare" not in c.source]
    log = tmp_path / "kernel.log"
    nb.cells.insert(0, nbformat.v4.new_code_cell(_LOGGING.format(log=str(log))))
    if extra:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    out, err = tmp_path / "kernel.out", tmp_path / "kernel.err"
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with out.open("w") as stdout, err.open("w") as stderr:
        client.execute(env=env, stdout=stdout, stderr=stderr)
    saved = tmp_path / name
    nbformat.write(nb, saved)
    return {
        "ipynb": saved.read_text(),
        "outputs": "\n".join(_outputs(nb)),
        "stdout": out.read_text(),
        "stderr": err.read_text(),
        "log": log.read_text() if log.exists() else "",
    }


def _outputs(nb: Any) -> list[str]:
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts += [str(v) for v in output.get("data", {}).values()]
    return texts


def assert_clean(texts: dict[str, str], sb: sandbox.Sandbox) -> None:
    secrets = sb.issued_secrets()
    assert len(secrets) >= 3  # the base secret plus at least one AssumeRole's pair
    for where, text in texts.items():
        assert not find_secrets(text, secrets), f"secret in {where}"
    assert "botocore" in texts["log"]  # DEBUG logging reached the file


def test_quickstart(sb: sandbox.Sandbox, kernel_env: dict[str, str], tmp_path: Path) -> None:
    texts = run("quickstart.ipynb", tmp_path, kernel_env)
    assert_clean(texts, sb)
    outputs = texts["outputs"]
    assert ALICE_CALLER in outputs and ACCOUNT_CALLER in outputs
    assert outputs.index(ALICE_CALLER) < outputs.index(ACCOUNT_CALLER)
    assert "2024.csv" in outputs and "set in os.environ" in outputs
    assert "restored os.environ" in outputs and "(env QDS_USER)" in outputs
    if has_check():
        assert "s3://acme-raw/sales/" in outputs and "differs" in outputs


def test_sdk(sb: sandbox.Sandbox, kernel_env: dict[str, str], tmp_path: Path) -> None:
    texts = run("sdk.ipynb", tmp_path, kernel_env)
    assert_clean(texts, sb)
    outputs = texts["outputs"]
    assert outputs.index(ALICE_CALLER) < outputs.index(ACCOUNT_CALLER)
    assert "override: alice-analyst" in outputs and "(120, 4)" in outputs


def test_panel(sb: sandbox.Sandbox, kernel_env: dict[str, str], tmp_path: Path) -> None:
    texts = run("panel.ipynb", tmp_path, kernel_env, extra=_DRIVE_PANEL)
    assert_clean(texts, sb)
    assert f"{ACCOUNT_CALLER}\nno error" in texts["outputs"]
    saved = json.loads(texts["ipynb"])
    state = saved["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert len(state) > 15
    synced = json.dumps(state)
    assert ACCOUNT_CALLER in synced  # the status widget's last value was saved
