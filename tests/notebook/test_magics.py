"""``%qds`` through a real InteractiveShell against the sandbox."""

from __future__ import annotations

import logging
import os
from typing import Any

import pytest
from IPython.core.error import UsageError

from qds_notebook import sandbox
from qds_notebook.notebook.display import ConfigView, ListingView, RolesView, StatusView
from tests.conftest import find_secrets
from tests.notebook.conftest import ACCOUNT_CALLER, ALICE_CALLER, needs_check


def qds(shell: Any, line: str = "") -> Any:
    return shell.run_line_magic("qds", line)


def rendered(value: Any) -> str:
    return f"{value!r}\n{value}\n{value._repr_html_()}"


def test_status_is_alice_override(shell: Any) -> None:
    status = qds(shell)
    assert isinstance(status, StatusView)
    assert status.caller_arn == ALICE_CALLER
    assert (status.role_kind, status.role_name) == ("override", "alice-analyst")
    assert "override for alice@acme.com" in str(status)
    assert status.default_location == "s3://acme-defloc/qds/"
    assert status.expires_in is not None and 3000 < status.expires_in <= 3600
    assert "<table" in status._repr_html_() and ALICE_CALLER in status._repr_html_()
    assert repr(status) == str(status)


def test_roles_marks_the_current_one(shell: Any) -> None:
    view = qds(shell, "roles")
    assert isinstance(view, RolesView)
    assert [(r.kind, r.current) for r in view.roles] == [("override", True), ("account", False)]
    assert "*  override  alice-analyst" in str(view)


def test_use_account_then_back(shell: Any) -> None:
    status = qds(shell, "use account")
    assert status.caller_arn == ACCOUNT_CALLER
    assert "account role chosen by alice@acme.com" in str(status)
    scoped = qds(shell, "use override --scope default_location --duration 900")
    assert scoped.caller_arn == ALICE_CALLER and scoped.scope == "default_location"
    assert "scoped to default_location" in str(scoped)


def test_ls_shows_prefixes_and_human_sizes(shell: Any) -> None:
    root = qds(shell, "ls")
    assert isinstance(root, ListingView)
    assert "sales/" in str(root)
    sales = qds(shell, "ls sales/")
    assert "2024.csv" in str(sales) and " KB" in str(sales)
    assert "<td" in sales._repr_html_()


def test_read_returns_a_dataframe(shell: Any) -> None:
    shell.run_cell("df = %qds read sales/2024.csv")
    frame = shell.user_ns["df"]
    assert frame.shape[0] > 0
    parquet = qds(shell, "read sales/2024.parquet --format parquet")
    assert list(parquet.columns) == list(frame.columns)


def test_creds_shows_prefix_and_expiry_only(shell: Any, sb: sandbox.Sandbox) -> None:
    view = qds(shell, "creds")
    text = rendered(view)
    assert view.key_prefix.endswith("\u2026") and len(view.key_prefix) == 9
    assert not find_secrets(text, sb.issued_secrets())


def test_env_exports_names_only_and_unset_removes(shell: Any, sb: sandbox.Sandbox) -> None:
    view = qds(shell, "env")
    try:
        assert set(view.names) >= {"AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"}
        assert os.environ["AWS_SESSION_TOKEN"] in sb.issued_secrets()
        assert os.environ["AWS_ENDPOINT_URL"] == sb.endpoint_url
        assert not find_secrets(rendered(view), sb.issued_secrets())
    finally:
        gone = qds(shell, "env --unset")
    assert "AWS_SESSION_TOKEN" in gone.names and "AWS_SESSION_TOKEN" not in os.environ
    assert os.environ["AWS_ACCESS_KEY_ID"] == sb.base_env["AWS_ACCESS_KEY_ID"]  # restored


def test_config_names_every_source(shell: Any, sb: sandbox.Sandbox) -> None:
    view = qds(shell, "config")
    assert isinstance(view, ConfigView)
    sources = {s.name: s.source for s in view.settings}
    assert sources["user"] == "env" and sources["region"] == "file"
    assert "(env QDS_USER)" in str(view) and sb.config_path in str(view)


def test_connect_recreates_session_and_traitlets_reconnect(shell: Any) -> None:
    magics = shell.magics_manager.registry["QdsMagics"]
    first = magics.session
    status = qds(shell, "connect --user bob@acme.com")
    assert magics.user == "bob@acme.com" and magics.session is not first
    assert status.role_kind == "account" and "bob" in status.caller_arn
    shell.run_line_magic("config", "QdsMagics.user = 'alice@acme.com'")
    assert magics.user == "alice@acme.com"
    assert qds(shell).caller_arn == ALICE_CALLER


@needs_check
def test_check_and_compare_return_rich_objects(shell: Any) -> None:
    report = qds(shell, "check s3://acme-raw/sales/")
    assert "<" in report._repr_html_() and "s3://acme-raw/sales/" in str(report)
    comparison = qds(shell, "compare")
    assert "qds-account" in str(comparison) and "alice-analyst" in str(comparison)


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("bogus", "invalid choice: 'bogus'"),
        ("use", "the following arguments are required: role"),
        ("use nobody", "'nobody' is not one of alice@acme.com's roles"),
        ("use account --duration 5", "duration"),
        ("read sales/2024.csv --format xml", "invalid choice: 'xml'"),
        ("read sales/missing.csv", "no object at s3://acme-defloc/qds/sales/missing.csv"),
        ("ls ../other-team/", "other-team"),
        ("ls 'unbalanced", "No closing quotation"),
    ],
)
def test_errors_are_one_line_usage_errors(shell: Any, line: str, needle: str) -> None:
    with pytest.raises(UsageError) as info:
        qds(shell, line)
    message = str(info.value)
    assert needle in message and "\n" not in message


def test_errors_in_a_cell_show_no_traceback(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%qds use nobody")
    out = capsys.readouterr()
    text = out.out + out.err
    assert "UsageError: 'nobody' is not one of" in text and "Traceback" not in text


def test_help_documents_every_subcommand(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from qds_notebook.notebook.magics import SUBCOMMANDS

    assert qds(shell, "--help") is None
    text = capsys.readouterr().out
    qds(shell, "use --help")
    use_help = capsys.readouterr().out
    doc = shell.find_line_magic("qds").__doc__
    for name in SUBCOMMANDS:
        assert name in text and f"%qds {name}" in doc
    assert "--scope" in use_help and "--duration" in use_help
    shell.run_cell("%qds?")  # the pager prints the docstring; it must not raise


def complete(shell: Any, text: str) -> set[str]:
    from IPython.core.completer import provisionalcompleter

    with provisionalcompleter():
        return {c.text for c in shell.Completer.completions(text, len(text))}


def test_completion_offers_subcommands_and_roles(shell: Any) -> None:
    qds(shell)  # roles come from the session once it exists
    assert {"check", "compare", "config", "connect", "creds"} <= complete(shell, "%qds c")
    assert {"override", "account"} <= complete(shell, "%qds use ")
    assert "account" in complete(shell, "%qds use acc")
    assert "parquet" in complete(shell, "%qds read x.csv --format p")


def test_config_lists_the_traitlets(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("config", "QdsMagics")
    text = capsys.readouterr().out
    assert all(name in text for name in ("QdsMagics.user", "config_path", "profile"))


def test_no_secret_reaches_output_or_debug_logs(
    shell: Any,
    sb: sandbox.Sandbox,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    values = []
    for line in ("", "roles", "creds", "use account", "ls sales/", "env", "env --unset", "config"):
        shell.run_cell(f"%qds {line}")
        values.append(qds(shell, line))
    shell.run_cell("%qds use nobody")
    text = "\n".join(rendered(v) for v in values)
    out = capsys.readouterr()
    everything = "\n".join([text, out.out, out.err, caplog.text])
    assert "botocore" in caplog.text  # DEBUG logging really was on
    assert not find_secrets(everything, sb.issued_secrets())
