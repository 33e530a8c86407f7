"""``qds-notebook policy evaluate FILE``: the JSON contract from the command line.

``FILE`` holds a request object or an array of them (``-`` reads stdin); the results array is
printed as JSON. An unreadable file or invalid JSON is one line on stderr and exit status 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from qds_notebook.errors import PolicyError
from qds_notebook.policy.jsonapi import evaluate_json

__all__ = ["run"]

_USAGE = "usage: qds-notebook policy evaluate FILE   (FILE may be - for stdin)"


def run(argv: list[str], *, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    """Run the policy command.

    Parameters
    ----------
    argv
        Arguments after ``policy``: ``["evaluate", FILE]``.
    stdin, stdout, stderr
        Streams, injected so tests and the outer CLI decide where text goes.

    Returns
    -------
    int
        0 when the results were printed (malformed requests are error entries in them),
        2 on a usage error, an unreadable file or invalid JSON.
    """
    if len(argv) != 2 or argv[0] != "evaluate":
        stderr.write(_USAGE + "\n")
        return 2
    path = argv[1]
    try:
        text = stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        stderr.write(f"qds-notebook policy: cannot read {path}: {reason}\n")
        return 2
    try:
        results = evaluate_json(text)
    except PolicyError as exc:
        stderr.write(f"qds-notebook policy: {path}: {exc.one_line()}\n")
        return 2
    stdout.write(json.dumps(results) + "\n")
    return 0
