"""Paths and small helpers shared by the tests (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
REFERENCE_JSON = EXAMPLES / "cong-van-451-SCT-VP-2020.json"
# The shared folder sits beside the checkout (../shared), for developers and CI alike.
SHARED = ROOT.parent / "shared"
REFERENCE_TXT = SHARED / "reference" / "cong-van-451-SCT-VP-2020.txt"


def require_tool(name: str) -> str:
    """The path of an external program; CI installs them all, so there a missing one fails."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed: .ci/run must install it")
        pytest.skip(f"{name} is not installed")
    return path
