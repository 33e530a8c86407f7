"""The only commands that print secrets say so in their help; the rest never print them."""

from __future__ import annotations

import pytest

from qds_notebook.cli import build_parser


@pytest.mark.parametrize("command,words", [
    ("env", "PRINTS THE SECRET KEY"),
    ("credential-process", "holds the secret key"),
    ("sandbox", "base credentials"),
])
def test_secret_printing_commands_say_so(command, words, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args([command, "--help"])
    assert words in " ".join(capsys.readouterr().out.split())


def test_every_subcommand_is_documented(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    for name in ("demo", "sandbox", "check", "credential-process", "env", "aws-profile",
                 "setup-policies", "policy"):
        assert name in out
