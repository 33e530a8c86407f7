"""The ``qds-notebook`` command line: demo, sandbox, policy evaluation, permission checks."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from qds_notebook.errors import QdsError

__all__ = ["main"]


def _sandbox(args: argparse.Namespace) -> int:
    from qds_notebook import sandbox

    sb = sandbox.launch(port=args.port, directory=args.dir)
    try:
        print(f"# qds_notebook sandbox at {sb.endpoint_url} (IAM authorization enforced)")
        print(f"# account config: {sb.config_path}")
        print("# paste into another shell (these lines hold the sandbox's base credentials):")
        for key, value in sb.base_env.items():
            print(f"export {key}={value}")
        print("# Ctrl-C stops the sandbox.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0
    finally:
        sb.stop()


def _demo(args: argparse.Namespace) -> int:
    from qds_notebook.demo import run_demo

    return run_demo()


def _policy(args: argparse.Namespace) -> int:
    from qds_notebook.policy.cli import run

    return run(["evaluate", args.file], stdin=sys.stdin, stdout=sys.stdout, stderr=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    import json

    ses: Any = _role_session(args)
    report = ses.check(write=args.write, paths=args.path or None)
    print(json.dumps(report.to_dict(), indent=2) if args.json else str(report))
    return 0


def _role_session(args: argparse.Namespace) -> object:
    from qds_notebook import connect

    ses = connect(user=args.user, config=args.config)
    if args.role:
        ses.use(args.role)
    return ses


def _credential_process(args: argparse.Namespace) -> int:
    from qds_notebook.interop import credential_process_json

    ses: Any = _role_session(args)
    print(credential_process_json(ses.credentials()))
    return 0


def _env(args: argparse.Namespace) -> int:
    from qds_notebook.interop import export_lines

    ses: Any = _role_session(args)
    print(
        export_lines(
            ses.credentials(), region=ses.config.region, endpoint_url=ses.config.endpoint_url
        )
    )
    return 0


def _aws_profile(args: argparse.Namespace) -> int:
    from qds_notebook.config import load_config
    from qds_notebook.interop import profile_snippet

    cfg = load_config(path=args.config, arguments={"user": args.user})
    print(
        profile_snippet(
            args.name,
            user=cfg.user,
            role=args.role,
            region=cfg.region,
            endpoint_url=cfg.endpoint_url,
            config=cfg.path,
            command=args.command,
        )
    )
    return 0


def _setup_policies(args: argparse.Namespace) -> int:
    import json

    from qds_notebook.admin import cloudformation, setup_policies

    docs = setup_policies(
        account_id=args.account_id,
        external_id=args.external_id,
        default_location=args.default_location,
        data_buckets=args.data_bucket,
    )
    print(cloudformation(docs) if args.format == "cloudformation" else json.dumps(docs, indent=2))
    return 0


def _who(p: argparse.ArgumentParser) -> None:
    p.add_argument("--user", default=None, help="platform user (default $QDS_USER)")
    p.add_argument("--config", default=None, help="account config (default $QDS_CONFIG)")
    p.add_argument("--role", choices=["override", "account"], default=None)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="qds-notebook", description="IAM roles on a QDS-style data platform."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        # The same text heads the command's own --help and the overview list.
        return sub.add_parser(name, help=text, description=text)

    p = command("demo", "start the sandbox and run the scripted journey for alice")
    p.set_defaults(func=_demo)
    p = command(
        "sandbox",
        "run the sandbox in the foreground; prints export lines holding its base "
        "credentials (their whole point: paste them into another shell)",
    )
    p.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: free)")
    p.add_argument("--dir", default=None, help="where to write config.toml (default: temp)")
    p.set_defaults(func=_sandbox)
    p = command("check", "probe and explain what the effective role may do")
    _who(p)
    p.add_argument("--write", action="store_true", help="also probe a throw-away put+delete")
    p.add_argument("--path", action="append", help="extra s3:// location to probe (repeatable)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=_check)
    p = command(
        "credential-process",
        "print AWS credential_process JSON for the role; it holds the secret key and "
        "session token, which is its purpose (use it from ~/.aws/config, see aws-profile)",
    )
    _who(p)
    p.set_defaults(func=_credential_process)
    p = command(
        "env",
        "print 'export AWS_...' lines for a shell; THIS PRINTS THE SECRET KEY AND SESSION "
        'TOKEN (that is its whole job): eval "$(qds-notebook env --user U)"',
    )
    _who(p)
    p.set_defaults(func=_env)
    p = command(
        "aws-profile", "print an ~/.aws/config profile using credential-process (no secrets)"
    )
    p.add_argument("name")
    _who(p)
    p.add_argument(
        "--command",
        default="qds-notebook",
        help="how AWS tools start qds-notebook (default: qds-notebook on PATH)",
    )
    p.set_defaults(func=_aws_profile)
    p = command("setup-policies", "print the IAM policies an admin creates")
    p.add_argument("--account-id", required=True, help="the platform's AWS account id")
    p.add_argument("--external-id", required=True)
    p.add_argument("--default-location", required=True, help="s3://bucket/prefix/")
    p.add_argument("--data-bucket", action="append", help="bucket the dual role reads")
    p.add_argument("--format", choices=["json", "cloudformation"], default="json")
    p.set_defaults(func=_setup_policies)
    p = command("policy", "the local IAM policy evaluator")
    psub = p.add_subparsers(dest="policy_command", required=True)
    pe = psub.add_parser("evaluate", help="evaluate request(s) from FILE ('-' for stdin)")
    pe.add_argument("file")
    pe.set_defaults(func=_policy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code. User errors print one line to stderr."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except QdsError as exc:
        print(f"qds-notebook: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
