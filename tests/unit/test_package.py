"""Package shape: public names, one exception tree, layering, light import."""

from __future__ import annotations

import ast
import inspect
import pathlib
import subprocess
import sys

import pytest

import qds_notebook
from qds_notebook import errors

PKG = pathlib.Path(qds_notebook.__file__).parent
PURE = [
    "arns.py",
    "config.py",
    "locations.py",
    "roles.py",
    "templates.py",
    "errors.py",
    "admin.py",
    *(f"policy/{p.name}" for p in (PKG / "policy").glob("*.py")),
]
HEAVY = {
    "boto3",
    "botocore",
    "aiobotocore",
    "s3fs",
    "pandas",
    "ipywidgets",
    "IPython",
    "fsspec",
    "pyarrow",
}


def test_public_names_are_sorted_and_exist():
    assert qds_notebook.__all__ == sorted(qds_notebook.__all__)
    for name in qds_notebook.__all__:
        assert getattr(qds_notebook, name) is not None


def test_every_error_derives_from_qds_error():
    classes = [
        c for _, c in inspect.getmembers(errors, inspect.isclass) if c.__module__ == errors.__name__
    ]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, errors.QdsError)
        assert cls.__name__ in errors.__doc__


def test_error_messages_are_one_line_with_hint():
    err = errors.QdsError("bad\nthing", hint="do  this")
    assert str(err) == "bad thing (hint: do this)"


@pytest.mark.parametrize("module", PURE)
def test_pure_core_imports_no_aws_or_ui(module):
    tree = ast.parse((PKG / module).read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
            assert not node.module.startswith(("qds_notebook.aws", "qds_notebook.session"))
    assert not names & HEAVY, module


def test_import_and_connect_signature_stay_light():
    code = (
        "import sys, qds_notebook, qds_notebook.config, qds_notebook.roles;"
        "heavy = {'boto3','s3fs','pandas','ipywidgets','botocore'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "[]"


@pytest.mark.parametrize("module", sorted(p.name for p in (PKG / "notebook").glob("*.py")))
def test_notebook_ui_uses_only_the_public_sdk(module):
    tree = ast.parse((PKG / "notebook" / module).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith(("qds_notebook.aws", "qds_notebook.sandbox")), (
                f"{module} imports {node.module}"
            )
