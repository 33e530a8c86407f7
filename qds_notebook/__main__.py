"""``python -m qds_notebook`` runs the command line."""

from qds_notebook.cli import main

raise SystemExit(main())
