"""``%qds``: the line magic ``%load_ext qds_notebook`` registers.

The :class:`QdsMagics` class is thin: it parses the line, creates the session lazily and
hands each subcommand to a function in :mod:`qds_notebook.notebook.commands`, whose
value IPython displays. Parsing errors and every :class:`~qds_notebook.QdsError` become
a one-line :class:`~IPython.core.error.UsageError`. This module imports nothing heavy;
boto3, s3fs, pandas and ipywidgets load when a subcommand first needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from traitlets import Unicode, observe

from qds_notebook.errors import QdsError

if TYPE_CHECKING:
    from qds_notebook.session import Session

__all__ = ["SUBCOMMANDS", "QdsArgumentParser", "QdsMagics", "build_parser", "load", "unload"]

#: Subcommand -> one-line description (also the order ``%qds --help`` lists them in).
SUBCOMMANDS: dict[str, str] = {
    "status": "account, user, effective role (kind, reason), caller ARN, expiry, default location",
    "roles": "your role choices, the one in effect marked",
    "use": "switch role: override or account (--scope default_location, --duration S)",
    "creds": "assume the role again now; shows the key id prefix and expiry only",
    "env": "export AWS_* credentials of the role to os.environ for subprocesses (--unset)",
    "ls": "list prefixes and objects under PATH (default: the default location)",
    "read": "read PATH into a DataFrame: df = %qds read PATH [--format csv|parquet|json]",
    "check": "probe what the role may do (--write also probes writes) [PATH ...]",
    "compare": "the override and the account role side by side",
    "panel": "the role panel (ipywidgets)",
    "config": "where each setting came from (argument, env, file, default)",
    "connect": "re-create the session (--user U, --config PATH)",
}


class _HelpShown(Exception):
    """argparse printed the help text and wants to exit."""


class QdsArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that raises :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        """Raise a one-line :class:`UsageError` naming the problem."""
        raise UsageError(f"{self.prog}: {message} (see %qds --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """After ``--help``: stop parsing without leaving the kernel."""
        if status:
            raise UsageError(f"{self.prog}: {(message or 'error').strip()}")
        raise _HelpShown


def build_parser() -> QdsArgumentParser:
    """The ``%qds`` argument parser, subcommands and their options."""
    # argparse %-formats help strings, so a literal % is written %%.
    epilog = "Options set once: %%config QdsMagics.user / .config_path / .profile"
    parser = QdsArgumentParser(
        prog="%qds",
        description="IAM roles on the QDS account from the notebook.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="SUBCOMMAND")
    parsers = {
        name: sub.add_parser(name, help=text.replace("%", "%%"))
        for name, text in SUBCOMMANDS.items()
    }
    parsers["use"].add_argument("role", help="override, account, or one of your role ARNs")
    parsers["use"].add_argument("--scope", choices=["default_location"], default=None)
    parsers["use"].add_argument("--duration", type=int, default=None, metavar="SECONDS")
    parsers["env"].add_argument("--unset", action="store_true", help="remove them again")
    parsers["ls"].add_argument("path", nargs="?", default="")
    parsers["read"].add_argument("path")
    parsers["read"].add_argument("--format", choices=["csv", "parquet", "json"], default=None)
    parsers["check"].add_argument("--write", action="store_true", help="also probe writes")
    parsers["check"].add_argument("paths", nargs="*", metavar="PATH")
    parsers["connect"].add_argument("--user", default=None)
    parsers["connect"].add_argument("--config", default=None, metavar="PATH")
    return parser


def _doc() -> str:
    lines = ["Work with the QDS account's IAM roles: ``%qds SUBCOMMAND [options]``.", ""]
    lines += [f"%qds {name:<8} {text}" for name, text in SUBCOMMANDS.items()]
    lines += [
        "",
        "``%qds`` alone is ``%qds status``. ``%qds SUBCOMMAND --help`` lists its options.",
        "Errors are one line with a hint. Options set once are traitlets visible through",
        "``%config QdsMagics`` (user, config_path, profile); changing one reconnects.",
    ]
    return "\n".join(lines)


@magics_class
class QdsMagics(Magics):
    """The ``%qds`` magics; one lazily created :class:`~qds_notebook.Session`."""

    user = Unicode(
        None, allow_none=True, help="Platform user (default $QDS_USER, else the login name)."
    ).tag(config=True)
    config_path = Unicode(
        None, allow_none=True, help="Account config TOML (default $QDS_CONFIG, else ~/.config)."
    ).tag(config=True)
    profile = Unicode(
        None, allow_none=True, help="AWS profile for the base credentials (default the chain)."
    ).tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self._session: Session | None = None
        self._parser = build_parser()

    @observe("user", "config_path", "profile")
    def _reconnect_later(self, change: Any) -> None:
        self._session = None

    @property
    def session(self) -> Session:
        """The session, created on first use with ``user``/``config_path``/``profile``."""
        if self._session is None:
            import qds_notebook
            from qds_notebook.notebook.commands import exported

            if exported():
                # The base credential chain would pick up the role's exported keys.
                raise QdsError(
                    "os.environ holds role credentials exported by %qds env",
                    hint="run %qds env --unset before connecting again",
                )
            self._session = qds_notebook.connect(
                user=self.user, config=self.config_path, profile=self.profile
            )
        return self._session

    @line_magic
    def qds(self, line: str = "") -> Any:
        try:
            args = self._parser.parse_args(shlex.split(line) if line.strip() else ["status"])
        except _HelpShown:
            return None
        except ValueError as exc:  # shlex: unbalanced quotes
            raise UsageError(f"%qds: {exc}") from None
        try:
            return self._dispatch(args)
        except QdsError as exc:
            raise UsageError(str(exc)) from None

    qds.__doc__ = _doc()

    def _dispatch(self, args: argparse.Namespace) -> Any:
        from qds_notebook.notebook import commands

        cmd = args.command or "status"
        if cmd == "connect":
            with self.hold_trait_notifications():
                if args.user is not None:
                    self.user = args.user
                if args.config is not None:
                    self.config_path = args.config
            self._session = None
            return commands.status(self.session)
        if cmd == "panel":
            from qds_notebook.notebook.panel import RolePanel

            namespace = self.shell.user_ns if self.shell is not None else None
            return RolePanel(self.session, namespace=namespace)
        ses = self.session
        handlers: dict[str, Callable[[], Any]] = {
            "status": lambda: commands.status(ses),
            "roles": lambda: commands.roles(ses),
            "use": lambda: commands.use(
                ses, args.role, scope=args.scope, duration_seconds=args.duration
            ),
            "creds": lambda: commands.creds(ses),
            "env": lambda: commands.env(ses, unset=args.unset),
            "ls": lambda: commands.ls(ses, args.path),
            "read": lambda: commands.read(ses, args.path, format=args.format),
            "check": lambda: commands.check(ses, write=args.write, paths=args.paths),
            "compare": lambda: commands.compare(ses),
            "config": lambda: commands.config(ses),
        }
        return handlers[cmd]()

    def completions(self, line: str) -> list[str]:
        """Candidates for the word being typed on ``line`` (no I/O)."""
        typed = "" if not line or line.endswith(" ") else line.split()[-1]
        return [c for c in self._candidates(line) if c.startswith(typed)]

    def _candidates(self, line: str) -> list[str]:
        """Subcommands, then role kinds after ``use``, then options."""
        words = line.split()
        if line.endswith(" ") or not words:
            words.append("")
        words = words[1:] if words and words[0].lstrip("%") == "qds" else words
        if len(words) <= 1:
            return sorted(SUBCOMMANDS)
        if words[0] == "use" and len(words) == 2 and not words[1].startswith("-"):
            return self._role_names()
        if words[0] == "read" and words[-2:-1] == ["--format"]:
            return ["csv", "json", "parquet"]
        if words[0] == "use" and words[-2:-1] == ["--scope"]:
            return ["default_location"]
        options = {
            "use": ["--scope", "--duration"],
            "env": ["--unset"],
            "read": ["--format"],
            "check": ["--write"],
            "connect": ["--user", "--config"],
        }
        return options.get(words[0], [])

    def _role_names(self) -> list[str]:
        names = ["override", "account"]
        if self._session is not None:  # completion must never connect or call AWS
            with contextlib.suppress(QdsError):
                names = [c.kind for c in self._session.choices()]
        return names


def _completer(shell: Any, event: SimpleNamespace) -> list[str]:
    magics = _instance(shell)
    line = getattr(event, "text_until_cursor", None) or event.line
    return magics.completions(str(line)) if magics is not None else []


def _instance(shell: Any) -> QdsMagics | None:
    registry = getattr(shell.magics_manager, "registry", {})
    found = registry.get("QdsMagics")
    return found if isinstance(found, QdsMagics) else None


def load(ipython: Any) -> None:
    """Register ``%qds``, its completer and its ``%config`` options on ``ipython``."""
    magics = QdsMagics(shell=ipython, config=ipython.config)
    ipython.register_magics(magics)
    if magics not in ipython.configurables:
        ipython.configurables.append(magics)
    ipython.set_hook("complete_command", _completer, str_key="%qds")


def unload(ipython: Any) -> None:
    """Remove what :func:`load` registered."""
    magics = _instance(ipython)
    manager = ipython.magics_manager
    manager.magics["line"].pop("qds", None)
    manager.registry.pop("QdsMagics", None)
    if magics is not None and magics in ipython.configurables:
        ipython.configurables.remove(magics)
    dispatcher = ipython.strdispatchers.get("complete_command")
    if dispatcher is not None:
        dispatcher.strs.pop("%qds", None)
