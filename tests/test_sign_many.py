"""Many letters signed in one run: the key opened once, a manifest of the run (JSON, and CSV with
Vietnamese headers), resuming after an interruption, a file that fails not stopping the others,
no file overwritten that the run did not write, and what a token says of the PINs left."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, require_tool

pytest.importorskip("pyhanko")

import pkcs11  # noqa: E402
from pki import PASSPHRASE, Pki, make_pki  # noqa: E402

from wfh_docs.sign import many, verify_pdf  # noqa: E402
from wfh_docs.sign.keys import tries_left  # noqa: E402

SIGNATURE_PNG = EXAMPLES / "signing" / "chu-ky-nguyen-huu-hung.png"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def letter_pdf(reference_pdf: Path) -> Path:
    return reference_pdf  # made once for the whole run (conftest.py)


@pytest.fixture
def folder(letter_pdf: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a", "b", "c"):
        (out / f"{name}.pdf").write_bytes(letter_pdf.read_bytes())
    return out


@pytest.fixture(autouse=True)
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "font-cache"))
    yield


def _sign(args: list[str], pki: Pki, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, WFHDOC_LANG="en", PYTHONPATH=str(ROOT))
    env.pop("WFHDOC_P12_PASSPHRASE", None)
    if stdin is None:
        env["WFHDOC_P12_PASSPHRASE"] = PASSPHRASE.decode()
    command = [
        sys.executable,
        "-m",
        "wfh_docs",
        "sign",
        *args,
        "--as",
        "signer",
        "--pkcs12",
        str(pki.signer.p12),
    ]
    command += ["--signature-image", str(SIGNATURE_PNG), "-q"]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=300)


def _rows(path: Path) -> list[dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_folder_is_signed_in_one_run_with_one_passphrase(folder: Path, pki: Pki, tmp_path: Path) -> None:
    signed = tmp_path / "signed"
    done = _sign([str(folder), "-o", str(signed)], pki, stdin=PASSPHRASE.decode() + "\n")  # read once
    assert done.returncode == 0, done.stderr
    assert "3 signed" in done.stdout
    for name in ("a", "b", "c"):
        (report,) = verify_pdf(signed / f"{name}-signer.pdf", trust_roots=[pki.root.cert_pem])
        assert report.role == "approval" and report.ok
    rows = _rows(signed / "sign-manifest.json")
    assert [Path(r["source"]).name for r in rows] == ["a.pdf", "b.pdf", "c.pdf"]
    assert all(r["status"] == "signed" and len(r["sha256"]) == 64 for r in rows)
    raw = (signed / "sign-manifest.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the Vietnamese right
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:4] == ["STT", "Tệp gốc", "Tệp đã ký", "Trạng thái"]
    assert [row[3] for row in table[1:]] == ["đã ký"] * 3


def test_a_run_again_skips_what_is_done_and_signs_what_is_not(folder: Path, pki: Pki, tmp_path: Path) -> None:
    signed = tmp_path / "signed"
    assert _sign([str(folder), "-o", str(signed)], pki).returncode == 0
    kept = (signed / "a-signer.pdf").read_bytes()
    (signed / "b-signer.pdf").unlink()
    again = _sign([str(folder), "-o", str(signed)], pki)
    assert again.returncode == 0, again.stderr
    assert "1 signed, 2 done in an earlier run" in again.stdout
    assert (signed / "a-signer.pdf").read_bytes() == kept
    statuses = {Path(r["source"]).name: r["status"] for r in _rows(signed / "sign-manifest.json")}
    assert statuses == {"a.pdf": "unchanged", "b.pdf": "signed", "c.pdf": "unchanged"}


def test_one_bad_file_fails_alone_and_a_file_not_ours_is_kept(folder: Path, pki: Pki, tmp_path: Path) -> None:
    signed = tmp_path / "signed"
    signed.mkdir()
    (folder / "b.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (signed / "c-signer.pdf").write_bytes(b"someone else's file")
    done = _sign([str(folder), "-o", str(signed)], pki)
    assert done.returncode == 1
    assert "b.pdf" in done.stderr and "cannot read the PDF" in done.stderr
    assert "c-signer.pdf: exists and was not written by this command" in done.stderr
    assert (signed / "c-signer.pdf").read_bytes() == b"someone else's file"
    assert not (signed / "b-signer.pdf").exists()
    assert verify_pdf(signed / "a-signer.pdf", trust_roots=[pki.root.cert_pem])[0].ok
    assert not [p for p in signed.iterdir() if p.name.endswith(".tmp")]  # no half-written file


def test_an_interrupted_run_leaves_its_manifest_and_no_half_file(tmp_path: Path) -> None:
    jobs = [many.Job(tmp_path / f"{n}.pdf", tmp_path / "out" / f"{n}-signer.pdf") for n in "abc"]
    for job in jobs:
        job.source.write_bytes(b"%PDF-1.7 " + job.source.name.encode())

    def work(job: many.Job, data: bytes) -> many.Done:
        if job.source.name == "b.pdf":
            raise KeyboardInterrupt
        return many.Done(data + b" signed", "signed")

    manifest = many.Manifest(tmp_path / "out", "sign")
    with pytest.raises(KeyboardInterrupt):
        many.run(jobs, work, manifest)
    assert [Path(r["source"]).name for r in _rows(tmp_path / "out" / "sign-manifest.json")] == ["a.pdf"]
    left = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert left == ["a-signer.pdf", "sign-manifest.csv", "sign-manifest.json"]
    # the next run: a is done, b and c are signed
    rows = many.run(
        jobs,
        lambda job, data: many.Done(data + b" signed", "signed"),
        many.Manifest(tmp_path / "out", "sign"),
    )
    assert [r.status for r in rows] == ["unchanged", "signed", "signed"]


class _Slot:
    def __init__(self, flags: int) -> None:
        self.flags = flags

    def get_token(self) -> _Slot:
        return self


class _Token:
    def __init__(self, flags: int) -> None:
        self.slot = _Slot(flags)


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (0, "locks itself after a few wrong PINs"),
        (pkcs11.TokenFlag.USER_PIN_COUNT_LOW, "few tries are left"),
        (pkcs11.TokenFlag.USER_PIN_COUNT_LOW | pkcs11.TokenFlag.USER_PIN_FINAL_TRY, "one try is left"),
        (pkcs11.TokenFlag.USER_PIN_LOCKED, "now locked"),
    ],
)
def test_a_wrong_pin_says_what_the_token_tells_of_the_tries_left(flags: int, said: str) -> None:
    assert said in tries_left(_Token(int(flags)))


@pytest.fixture(scope="module")
def token(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """A SoftHSM2 token 'wfhdoc-many' with the signer's key: (library, SOFTHSM2_CONF)."""
    util, tool = require_tool("softhsm2-util"), require_tool("pkcs11-tool")
    libs = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
    lib = next((p for p in libs if os.path.isfile(p)), None)
    if lib is None:
        pytest.skip("libsofthsm2.so is not installed")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    for args in (
        [util, "--init-token", "--free", "--label", "wfhdoc-many", "--pin", "123456", "--so-pin", "12345678"],
        [util, "--import", str(pki.signer.key_pk8), "--token", "wfhdoc-many", "--label", "signer",
         "--id", "01", "--pin", "123456"],
        [tool, "--module", lib, "--token-label", "wfhdoc-many", "--login", "--pin", "123456",
         "--write-object", str(pki.signer.cert_der), "--type", "cert", "--label", "signer", "--id", "01"],
    ):  # fmt: skip
        subprocess.run(args, check=True, capture_output=True, timeout=60, env=env)
    return lib, conf


def _token_sign(
    folder: Path, out: Path, token: tuple[str, Path], pin: str | None, stdin: str | None
) -> subprocess.CompletedProcess[str]:
    lib, conf = token
    env = dict(os.environ, WFHDOC_LANG="en", PYTHONPATH=str(ROOT), SOFTHSM2_CONF=str(conf))
    env.pop("WFHDOC_PIN", None)
    if pin is not None:
        env["WFHDOC_PIN"] = pin
    command = [sys.executable, "-m", "wfh_docs", "sign", str(folder), "-o", str(out), "--as", "signer"]
    command += ["--pkcs11-lib", lib, "--signature-image", str(SIGNATURE_PNG), "-q"]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_a_token_is_asked_for_its_pin_once_for_the_whole_run(
    folder: Path, pki: Pki, token: tuple[str, Path], tmp_path: Path
) -> None:
    wrong = _token_sign(folder, tmp_path / "wrong", token, "000000", None)
    assert wrong.returncode == 1
    assert "wrong PIN for token 'wfhdoc-many'" in wrong.stderr
    assert "locks itself" in wrong.stderr or "tries are left" in wrong.stderr or "one try" in wrong.stderr
    assert not (tmp_path / "wrong").exists() or not list((tmp_path / "wrong").glob("*.pdf"))
    done = _token_sign(folder, tmp_path / "signed", token, None, "123456\n")  # one line: one PIN
    assert done.returncode == 0, done.stderr
    assert "3 signed" in done.stdout
    for name in ("a", "b", "c"):
        (report,) = verify_pdf(tmp_path / "signed" / f"{name}-signer.pdf", trust_roots=[pki.root.cert_pem])
        assert report.ok and report.role == "approval"


def test_a_token_removed_mid_run_stops_the_run_with_each_file_said(tmp_path: Path) -> None:
    from wfh_docs.sign.signing import TokenGone

    jobs = [many.Job(tmp_path / f"{n}.pdf", tmp_path / "out" / f"{n}-signer.pdf") for n in "abcd"]
    for job in jobs:
        job.source.write_bytes(b"%PDF-1.7 " + job.source.name.encode())
    calls: list[str] = []

    def work(job: many.Job, data: bytes) -> many.Done:
        calls.append(job.source.name)
        if job.source.name == "b.pdf":
            raise TokenGone("the token was removed")
        return many.Done(data + b" signed", "signed")

    rows = many.run(jobs, work, many.Manifest(tmp_path / "out", "sign"))
    assert calls == ["a.pdf", "b.pdf"]  # the token is not asked again for c and d
    assert [r.status for r in rows] == ["signed", "failed", "failed", "failed"]
    assert "plugged in" in rows[2].message and "c.pdf" in rows[2].message
    assert not (tmp_path / "out" / "c-signer.pdf").exists()
