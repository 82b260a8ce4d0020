"""Writing a file so that its path never holds half of it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from wfh_docs.errors import OutputError
from wfh_docs.files.output import write_atomic, write_in_place


@pytest.mark.parametrize("write", [write_in_place, write_atomic])
def test_a_file_is_written_and_replaced_whole(tmp_path: Path, write: Callable[[Path, bytes], None]) -> None:
    target = tmp_path / "451-SCT-VP.docx"
    write(target, b"first")
    write(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["451-SCT-VP.docx"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_folder_in_the_way_is_named(tmp_path: Path) -> None:
    (tmp_path / "451-SCT-VP.docx").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_in_place(tmp_path / "451-SCT-VP.docx", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["451-SCT-VP.docx"]  # no temporary left


def test_a_stale_temporary_of_a_killed_run_is_stepped_around(tmp_path: Path) -> None:
    stale = tmp_path / f".451-SCT-VP.docx.{os.getpid()}.tmp"
    stale.write_bytes(b"half")
    write_in_place(tmp_path / "451-SCT-VP.docx", b"whole")
    assert (tmp_path / "451-SCT-VP.docx").read_bytes() == b"whole"


def test_ctrl_c_in_the_middle_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(fd: int, data: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_in_place(tmp_path / "451-SCT-VP.docx", b"whole")
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_an_error_that_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(
        OutputError, match=r"451-SCT-VP.docx: cannot write the file \(No space left on device\)"
    ):
        write_in_place(tmp_path / "451-SCT-VP.docx", b"whole")
    assert list(tmp_path.iterdir()) == []
