"""JupyterLab in headless Chromium: run panel.ipynb, switch role, watch the panel follow.

Skips when /usr/bin/chromium (or jupyterlab/playwright) is missing, except under
``CI=true``, where a missing browser is a failure: CI must run this test.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.notebook.conftest import ACCOUNT_CALLER, ALICE_CALLER, NOTEBOOKS, has_check

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _require(ok: bool, why: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why} (CI=true: the browser test must run)")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def lab(kernel_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 with its own config/data/runtime dirs; its URL."""
    _require(Path(CHROMIUM).exists(), f"{CHROMIUM} is not installed")
    _require(
        shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is not None,
        "jupyterlab is not installed",
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(NOTEBOOKS / "panel.ipynb", work / "panel.ipynb")
    env = dict(kernel_env)
    for name in ("CONFIG", "DATA", "RUNTIME"):
        path = tmp_path / f"jupyter-{name.lower()}"
        path.mkdir()
        env[f"JUPYTER_{name}_DIR"] = str(path)
    port, token = _free_port(), secrets.token_hex(16)
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class="
            "jupyterlab.NeverCheckForUpdate",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=work,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((tmp_path / "lab.log").read_text()[-2000:]) from None
                time.sleep(0.3)
        yield f"{url}/lab/tree/panel.ipynb?reset&token={token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_panel_switches_role_in_jupyterlab(lab: str, tmp_path: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright is not installed")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1600},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            try:
                _drive(page, lab, tmp_path)
            except Exception:
                page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
                raise
        finally:
            context.close()


def _run_first_cell(page: Any) -> None:
    # A Shift+Enter sent while the kernel connection is still settling can be dropped;
    # send it again until the prompt shows the cell is queued or ran.
    prompt = page.locator(".jp-CodeCell .jp-InputPrompt").first
    for _ in range(10):
        page.locator(".jp-CodeCell .jp-InputArea-editor").first.click()
        page.keyboard.press("Shift+Enter")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if "[ ]" not in prompt.inner_text():
                return
            time.sleep(0.2)
    raise AssertionError("JupyterLab never ran the panel cell")


def _drive(page: Any, url: str, tmp_path: Path) -> None:
    page.set_default_timeout(float(os.environ.get("QDS_BROWSER_TIMEOUT_MS", "90000")))
    page.goto(url, wait_until="domcontentloaded")
    page.locator(".jp-Notebook").wait_for()
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for()
    _run_first_cell(page)
    page.get_by_text(ALICE_CALLER).first.wait_for()
    matrix = page.locator(".qds-check")
    if has_check():
        page.get_by_role("button", name="Check", exact=True).click()
        matrix.first.wait_for()
        assert "alice-analyst" in matrix.first.inner_text()
    page.locator(".widget-dropdown select").select_option(label="account: qds-account")
    page.get_by_role("button", name="Assume", exact=True).click()
    page.get_by_text(ACCOUNT_CALLER).first.wait_for()
    if has_check():
        page.wait_for_function(
            "() => (document.querySelector('.qds-check') || {}).innerText?.includes('qds-account')"
        )
    page.screenshot(path=str(tmp_path / "panel.png"), full_page=True)
    assert (tmp_path / "panel.png").stat().st_size > 10_000
