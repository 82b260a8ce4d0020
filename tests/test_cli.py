"""The command line as a user meets it: output, exit codes, files, and docs that match --help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REFERENCE_JSON, ROOT

from wfh_docs import __version__
from wfh_docs.cli import cli, main
from wfh_docs.letter.model import json_schema


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_build_writes_the_letter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "451-SCT-VP.docx"
    code, out, err = run(["build", str(REFERENCE_JSON), "-o", str(target)], capsys)
    assert (code, out, err) == (0, f"wrote {target}\n", "")
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in target.parent.iterdir()] == ["451-SCT-VP.docx"]  # no temp file left


def test_default_output_name_in_the_current_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["build", str(REFERENCE_JSON)], capsys)
    assert code == 0 and out == "wrote 451-SCT-VP.docx\n"
    assert (tmp_path / "451-SCT-VP.docx").exists()


def test_output_folder_gets_the_default_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["build", str(REFERENCE_JSON), "-o", str(tmp_path)], capsys)
    assert code == 0 and (tmp_path / "451-SCT-VP.docx").exists()


def test_build_with_an_explicit_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(
        [
            "build",
            str(REFERENCE_JSON),
            "-o",
            str(tmp_path / "a.docx"),
            "--template",
            str(ROOT / "wfh_docs" / "templates" / "cong-van.docx"),
        ],
        capsys,
    )
    assert code == 0
    code, _, err = run(
        [
            "build",
            str(REFERENCE_JSON),
            "-o",
            str(tmp_path / "b.docx"),
            "--template",
            str(tmp_path / "none.docx"),
        ],
        capsys,
    )
    assert code == 1 and "template not found" in err and "Traceback" not in err
    assert not (tmp_path / "b.docx").exists()


def test_a_failed_build_leaves_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    del data["subject"]
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    target = tmp_path / "out.docx"
    code, out, err = run(["build", str(bad), "-o", str(target)], capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"error: {bad}: 1 problem in the data\n")
    assert "$.subject: this field is required but missing" in err
    assert not target.exists() and list(tmp_path.iterdir()) == [bad]


def test_an_existing_letter_is_replaced_whole_or_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"old letter")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert run(["build", str(bad), "-o", str(target)], capsys)[0] == 1
    assert target.read_bytes() == b"old letter"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"], capsys) == (0, f"wfhdoc {__version__}\n", "")


@pytest.mark.parametrize("args", [["build"], ["nosuch"], ["build", "a.json", "--nosuch"]])
def test_bad_usage_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(args, capsys)
    assert code == 2 and "Usage:" in err and "Traceback" not in err


def test_verbose_shows_the_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--verbose", "build", str(tmp_path / "missing.json")], capsys)
    assert code == 1 and "Traceback" in err and "file not found" in err
    code, _, err = run(["build", str(tmp_path / "missing.json")], capsys)
    assert code == 1 and "Traceback" not in err
    assert (
        err == f"error: {tmp_path / 'missing.json'}: 1 problem in the data\n"
        "  - file not found (check the path and the file name)\n"
    )


def test_schema_command_prints_the_committed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema"], capsys)
    assert code == 0
    assert json.loads(out) == json_schema()
    committed = ROOT / "data" / "letter.schema.json"
    assert committed.read_text(encoding="utf-8") == out, "run: wfhdoc schema > data/letter.schema.json"


def test_python_dash_m_and_a_windows_code_page(tmp_path: Path) -> None:
    # a console that cannot encode Vietnamese (cp1252, as a redirected Windows console) must
    # still print the letter's messages without failing
    bad = tmp_path / "thư.json"
    bad.write_text("{}", encoding="utf-8")
    env = {"PYTHONIOENCODING": "cp1252", "PATH": "/usr/bin:/bin", "WFHDOC_LANG": "en"}
    done = subprocess.run(
        [sys.executable, "-m", "wfh_docs", "build", str(bad)],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    err = done.stderr.decode("utf-8")
    assert "thư.json" in err and "$.issuer: this field is required but missing" in err


def _commands() -> dict[str, list[str]]:
    out = {}
    for name, command in cli.commands.items():
        out[name] = [opt for p in command.params for opt in getattr(p, "opts", []) if opt.startswith("-")]
    return out


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, options in _commands().items():
        assert f"wfhdoc {name}" in readme, name
        for option in options:
            assert option in readme, f"{name} {option}"
    for option in ("--verbose", "--version", "--help"):
        assert option in readme


@pytest.mark.parametrize(("lang", "name"), [("en", "cli.md"), ("vi", "cli.vi.md")])
def test_cli_reference_is_the_real_help(capsys: pytest.CaptureFixture[str], lang: str, name: str) -> None:
    reference = (ROOT / "docs" / name).read_text(encoding="utf-8")
    words = [[], *[[name] for name in sorted(cli.commands)], ["register", "list"], ["register", "start"]]
    for args in words:
        code, out, _ = run(["--lang", lang, *args, "--help"], capsys)
        assert code == 0
        assert out.strip() in reference, (
            f"docs/{name} is out of date for {' '.join(args)} --help: run tools/make_docs.py"
        )


def test_readme_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)?\n(.*?)```", readme, re.DOTALL)
    first = [line for line in blocks[0].splitlines() if line.strip() and not line.startswith("#")]
    assert first == ["bash tools/demo.sh", "bash tools/test.sh"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash tools/test.sh" in ci


@pytest.mark.parametrize("given", ["new/", "new"])
def test_output_to_a_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str) -> None:
    code, out, _ = run(["build", str(REFERENCE_JSON), "-o", str(tmp_path) + "/" + given], capsys)
    assert code == 0 and (tmp_path / "new" / "451-SCT-VP.docx").is_file()


def test_output_must_be_a_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["build", str(REFERENCE_JSON), "-o", str(tmp_path / "letter.pdf")], capsys)
    assert code == 1 and "ending in .docx" in err
    assert list(tmp_path.iterdir()) == []


def test_pdf_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import require_tool

    require_tool("soffice")
    letter = tmp_path / "451-SCT-VP.docx"
    assert run(["build", str(REFERENCE_JSON), "-o", str(letter)], capsys)[0] == 0
    code, out, err = run(
        [
            "pdf",
            str(letter),
            str(tmp_path / "missing.docx"),
            str(REFERENCE_JSON),
            "-o",
            str(tmp_path / "pdf"),
        ],
        capsys,
    )
    assert code == 1  # one file was missing
    assert (tmp_path / "pdf" / "451-SCT-VP.pdf").read_bytes().startswith(b"%PDF")
    assert out == f"1 PDF written to {tmp_path / 'pdf'}\n"
    assert "missing.docx: file not found" in err and "not a .docx file, left out" in err
    code, out, _ = run(["pdf", str(letter), "-o", str(tmp_path / "pdf2")], capsys)
    assert code == 0


def test_pdf_without_libreoffice_says_how_to_get_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    letter = tmp_path / "a.docx"
    assert run(["build", str(REFERENCE_JSON), "-o", str(letter)], capsys)[0] == 0
    monkeypatch.setenv("WFHDOC_SOFFICE", str(tmp_path / "no-soffice"))
    code, _, err = run(["pdf", str(letter), "-o", str(tmp_path / "pdf")], capsys)
    assert code == 1 and "no such program" in err and "install LibreOffice" in err and "Traceback" not in err


def test_batch_with_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import require_tool

    require_tool("soffice")
    source = ROOT / "data" / "examples" / "batch" / "so-noi-vu-gui-huyen.json"
    out = tmp_path / "out"
    code, stdout, _ = run(
        ["batch", str(source), "-o", str(out), "--pdf", "-q", "--register", str(tmp_path / "r.sqlite")],
        capsys,
    )
    assert code == 0, stdout
    assert len(list(out.glob("*.pdf"))) == len(list(out.glob("*.docx"))) == 10
    assert stdout.endswith(f"10 PDFs written to {out}\n")


def test_help_in_vietnamese_then_english_in_one_process(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--lang", "vi", "build", "--help"], capsys)
    assert code == 0
    assert out.startswith("Cách dùng: wfhdoc build [TÙY CHỌN] DATA\n")
    assert "Tạo một văn bản từ DATA, một tệp JSON." in out
    assert "Tùy chọn:" in out and "Hiện hướng dẫn này rồi thoát." in out
    code, out, _ = run(["--lang", "en", "build", "--help"], capsys)
    assert code == 0
    assert out.startswith("Usage: wfhdoc build [OPTIONS] DATA\n")
    assert "Build one letter from DATA, a JSON file." in out
    assert "Options:" in out and "Show this message and exit." in out
    assert "Tùy chọn" not in out
    code, out, _ = run(["--lang", "vi", "--help"], capsys)
    assert "Lệnh:" in out and "Hiện phiên bản rồi thoát." in out and "Tạo một văn bản từ DATA" in out


def test_clicks_own_errors_are_vietnamese_and_click_is_left_as_it_was(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gettext

    import click.core
    import click.exceptions

    code, _, err = run(["--lang", "vi", "build", "a.json", "--nosuch"], capsys)
    assert code == 2
    assert err == (
        "Cách dùng: wfhdoc build [TÙY CHỌN] DATA\n"
        "Xem hướng dẫn: 'wfhdoc build --help'.\n\nLỗi: Không có tùy chọn '--nosuch'.\n"
    )
    code, _, err = run(["--lang", "vi", "build"], capsys)
    assert code == 2 and err.endswith("Lỗi: Thiếu đối số 'DATA'.\n")
    code, _, err = run(["--lang", "en", "build"], capsys)
    assert code == 2 and err.endswith("Error: Missing argument 'DATA'.\n")
    # after the run, click speaks through the standard library's gettext again
    assert click.core._ is gettext.gettext and click.exceptions.ngettext is gettext.ngettext


def test_messages_in_the_language_of_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "451-SCT-VP.docx"
    code, out, err = run(["--lang", "vi", "build", str(REFERENCE_JSON), "-o", str(target)], capsys)
    assert (code, out, err) == (0, f"đã ghi {target}\n", "")
    monkeypatch.setenv("WFHDOC_LANG", "vi")
    code, out, err = run(["build", str(REFERENCE_JSON), "-o", str(tmp_path / "a.pdf")], capsys)
    assert code == 1 and err.startswith("lỗi: ") and "văn bản là tệp Word" in err
    # --lang wins over WFHDOC_LANG
    code, out, err = run(["--lang=en", "build", str(REFERENCE_JSON), "-o", str(tmp_path / "a.pdf")], capsys)
    assert code == 1 and err.startswith("error: ") and "the letter is a Word file" in err


def test_a_batch_summary_in_vietnamese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = ROOT / "data" / "examples" / "batch" / "so-noi-vu-gui-huyen.json"
    out = tmp_path / "out"
    code, stdout, _ = run(
        ["--lang", "vi", "batch", str(source), "-o", str(out), "-q", "--workers", "1"], capsys
    )
    assert code == 0
    assert stdout == f"10 đã tạo, 0 không đổi, 0 lỗi; danh sách kết quả: {out / 'manifest.csv'}\n"
    code, stdout, _ = run(
        ["--lang", "en", "batch", str(source), "-o", str(out), "-q", "--workers", "1"], capsys
    )
    assert stdout == f"0 built, 10 unchanged, 0 failed; manifest: {out / 'manifest.csv'}\n"


def test_vietnamese_through_a_console_that_cannot_encode_it(tmp_path: Path) -> None:
    # what a Windows console redirected to a file has (its ANSI code page): UTF-8 comes out
    env = {"PYTHONIOENCODING": "cp1252", "PATH": "/usr/bin:/bin", "WFHDOC_LANG": "vi"}
    done = subprocess.run(
        [sys.executable, "-m", "wfh_docs", "build", str(tmp_path / "thư.json")],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.decode("utf-8").startswith(f"lỗi: {tmp_path / 'thư.json'}")


def test_ctrl_c_in_a_command_exits_130_not_aborted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C at the passphrase prompt: click turns a KeyboardInterrupt inside a command into its
    # Abort ("Aborted!", exit 1); wfhdoc says it was interrupted and exits 128 + SIGINT
    from wfh_docs.cli import sign as sign_cli

    def interrupted(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(sign_cli, "secret", interrupted)
    pdf, key = tmp_path / "a.pdf", tmp_path / "k.p12"
    pdf.write_bytes(b"%PDF-1.7\n")
    key.write_bytes(b"not a key")
    image = ROOT / "data" / "examples" / "signing" / "chu-ky-nguyen-huu-hung.png"
    args = ["sign", str(pdf), "--as", "signer", "--pkcs12", str(key), "--signature-image", str(image)]
    code, out, err = run(args, capsys)
    assert (code, err.strip().splitlines()[-1]) == (130, "Interrupted."), err
    assert not (tmp_path / "a-signer.pdf").exists()
