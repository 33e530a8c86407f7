"""The role panel, driven from Python (``.click()``, ``.value``) against the sandbox."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest

from qds_notebook import sandbox
from qds_notebook.notebook.panel import PanelState, RolePanel
from tests.conftest import find_secrets
from tests.notebook.conftest import ACCOUNT_CALLER, ALICE, ALICE_CALLER, needs_check


@pytest.fixture
def panel(sb: sandbox.Sandbox) -> Iterator[RolePanel]:
    ns: dict[str, Any] = {}
    p = RolePanel(sb.session(ALICE), namespace=ns, background=False, tick=None)
    yield p
    p.close()


def widget_state(p: RolePanel) -> str:
    """Every synced trait of every widget in the panel, as nbclient would save it."""
    states, todo = [], [p.widget]
    while todo:
        widget = todo.pop()
        states += [widget.get_state(), widget.layout.get_state()]
        todo += list(getattr(widget, "children", ()))
    assert len(states) > 15
    return json.dumps(states, default=str)


def test_opens_with_alice_status_and_listing(panel: RolePanel) -> None:
    state = panel.state
    assert isinstance(state, PanelState)
    assert state.status is not None and state.status.caller_arn == ALICE_CALLER
    assert panel.picker.options == (
        ("override: alice-analyst", "override"),
        ("account: qds-account", "account"),
    )
    assert panel.picker.value == "override"
    assert ALICE_CALLER in panel.status_html.value
    assert "expire in" in panel.expiry_html.value
    assert [i.label for i in state.items] == ["logs/", "sales/"]
    assert state.error == "" and state.busy == ""


def test_assume_other_role_changes_caller(panel: RolePanel) -> None:
    panel.picker.value = "account"
    panel.assume_button.click()
    assert panel.state.status is not None
    assert panel.state.status.caller_arn == ACCOUNT_CALLER
    assert ACCOUNT_CALLER in panel.status_html.value
    assert "qds-account" in panel.message_html.value


def test_browse_into_prefix_pick_file_and_load(panel: RolePanel) -> None:
    panel.browser.value = "s3://acme-defloc/qds/sales"
    labels = [i.label for i in panel.state.items]
    assert labels[0].startswith("\u2191") and "2024.csv  (1.9 KB)" in labels
    panel.browser.value = "s3://acme-defloc/qds/sales/2024.csv"
    assert panel.state.picked == "s3://acme-defloc/qds/sales/2024.csv"
    panel.var_name.value = "sales"
    panel.load_button.click()
    assert panel.namespace["sales"].shape[0] > 0
    assert "sales = s3://acme-defloc/qds/sales/2024.csv" in panel.message_html.value
    panel.browser.value = panel.state.items[0].uri  # up
    assert panel.state.location == "s3://acme-defloc/qds/"


def test_load_without_pick_or_bad_name_is_one_line_error(panel: RolePanel) -> None:
    panel.load_button.click()
    assert panel.state.error == "pick a file in the browser first"
    panel.var_name.value = "not a name"
    panel.load_button.click()
    assert "not a valid variable name" in panel.error_html.value


def test_sdk_errors_show_as_one_line(panel: RolePanel) -> None:
    panel.state.update(selected="nobody")
    panel.assume_button.click()
    assert "'nobody' is not one of alice@acme.com's roles" in panel.state.error
    assert "\n" not in panel.state.error and "Traceback" not in panel.error_html.value
    assert not any(b.disabled for b in panel.buttons)


def test_export_sets_names_only(panel: RolePanel, sb: sandbox.Sandbox) -> None:
    from qds_notebook.notebook import commands

    try:
        panel.export_button.click()
        assert "AWS_SESSION_TOKEN" in panel.message_html.value
        assert os.environ["AWS_SESSION_TOKEN"] in sb.issued_secrets()
    finally:
        commands.env(panel.session, unset=True)
    assert not find_secrets(widget_state(panel), sb.issued_secrets())


@needs_check
def test_check_matrix_follows_role_and_probe_toggle(panel: RolePanel) -> None:
    panel.check_button.click()
    override = panel.matrix_html.value
    assert "alice-analyst" in override and "acme-raw" in override
    panel.picker.value = "account"
    panel.assume_button.click()  # re-checks because a matrix is shown
    assert panel.matrix_html.value != override and "qds-account" in panel.matrix_html.value
    panel.probe_writes.value = True
    panel.check_button.click()
    assert "PutObject" in panel.matrix_html.value


def test_background_mode_disables_buttons_then_finishes(sb: sandbox.Sandbox) -> None:
    p = RolePanel(sb.session(ALICE), namespace={}, tick=0.05)
    try:
        assert p.state.busy == "connecting" or p.state.status is not None
        p.wait()
        assert p.state.busy == "" and not p.assume_button.disabled
        p.picker.value = "account"
        p.assume_button.click()
        assert p.assume_button.disabled and "working" in p.busy_html.value
        p.wait()
        assert p.state.status is not None and p.state.status.caller_arn == ACCOUNT_CALLER
        first = p.expiry_html.value
        deadline = time.monotonic() + 3
        while p.expiry_html.value == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "expire in" in p.expiry_html.value
    finally:
        p.close()


def test_no_secret_in_any_synced_trait(panel: RolePanel, sb: sandbox.Sandbox) -> None:
    panel.picker.value = "account"
    panel.assume_button.click()
    panel.session.refresh()
    assert not find_secrets(widget_state(panel), sb.issued_secrets())


def test_unexpected_error_text_is_redacted_before_display() -> None:
    from qds_notebook.aws.redact import register_secret
    from qds_notebook.notebook.panel import one_line

    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE9"
    register_secret(secret)
    text = one_line(RuntimeError(f"boom with {secret} inside"))
    assert secret not in text and "boom with" in text
