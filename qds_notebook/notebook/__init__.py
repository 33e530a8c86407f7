"""The notebook UI: the ``%qds`` magics, their display values and the role panel.

Only :mod:`qds_notebook.notebook.magics` is imported by ``%load_ext qds_notebook``; it
stays light (no boto3, s3fs, pandas or ipywidgets) until a subcommand needs them.
This layer calls only the public SDK (:class:`qds_notebook.Session`).
"""

from __future__ import annotations

__all__: list[str] = []
