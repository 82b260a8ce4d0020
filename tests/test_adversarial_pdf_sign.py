"""What an adversarial run found in `wfhdoc pdf`, `sign` and `verify`, played again through the
real command line where it can be: signals and SIGKILL leave no LibreOffice and no temporary
files, a later run removes what a killed one left, LibreOffice fetches nothing from the network,
and the signing side copes with a huge image, an empty PIN, a signature on top of another, a
planted stamp font and bytes appended to a signed PDF.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import EXAMPLES, ROOT, require_tool

import wfh_docs.pdf as pdf
from wfh_docs.letter.sources import load_letter
from wfh_docs.pdf import guard, pool, stage
from wfh_docs.render.template import Template

PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
LETTER = EXAMPLES / "cong-van-451-SCT-VP-2020.json"
WAIT = 180.0  # a generous deadline for things that must happen, never a measure of speed

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/environ").exists() or os.name != "posix",
    reason="looks for processes in /proc and signals process groups",
)


# -- helpers ------------------------------------------------------------------------------------


def _letter(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.docx"
    target.write_bytes(_letter_bytes())
    return target


_CACHE: dict[str, bytes] = {}


def _letter_bytes() -> bytes:
    if "letter" not in _CACHE:
        _CACHE["letter"] = Template().render(load_letter(LETTER).letter).data
    return _CACHE["letter"]


def _processes(marker: str) -> list[str]:
    """Live processes (zombies aside) whose command line or environment names `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            environ = (entry / "environ").read_bytes().decode("utf-8", "replace")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (marker in cmdline or marker in environ):
            found.append(f"{entry.name}: {cmdline[:300]}")
    return found


def _wait_for(what: Callable[[], object], deadline: float = WAIT) -> object:
    """Wait until `what()` is true (or the deadline passes); its last value."""
    end = time.monotonic() + deadline
    while True:
        value = what()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.05)


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, TMPDIR=str(tmp), PYTHONPATH=str(ROOT), **extra)
    env.pop("WFHDOC_SOFFICE", None)
    env.update(extra)
    return env


def _wfhdoc(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "-m", "wfh_docs", *args],
        env=env,
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, for the signals to go to
    )


def _run(*args: str, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "wfh_docs", *args],
        env=env,
        cwd=str(ROOT),
        input=stdin.decode() if stdin is not None else None,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _clean_words(text: str) -> None:
    assert "Traceback" not in text, text
    assert "internal error" not in text, text


# A LibreOffice stuck on a file: converts nothing, and the work runs in a child process (as
# soffice.bin runs under oosplash), which writes LibreOffice-like temporary files into TMPDIR.
HANGING = """#!{python}
import os, subprocess, sys
args = sys.argv[1:]
files = [a for a in args if a.endswith(".docx")]
if any("hang" in os.path.basename(f) for f in files):
    tmp = os.environ.get("TMPDIR", "/tmp")
    os.makedirs(os.path.join(tmp, "lu12345abcd.tmp"), exist_ok=True)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", *args])
    print("fake soffice: stuck", file=sys.stderr, flush=True)
    child.wait()
os.execv({real!r}, [{real!r}, *args])
"""


@pytest.fixture
def hanging_soffice(tmp_path: Path) -> Path:
    real = require_tool("soffice")
    script = tmp_path / "soffice-stuck"
    script.write_text(HANGING.format(python=sys.executable, real=real), encoding="utf-8")
    script.chmod(0o755)
    return script


# -- 1. signals, SIGKILL and orphans in `wfhdoc pdf` ------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_a_signal_or_sigkill_to_wfhdoc_pdf_leaves_no_libreoffice_and_no_files(
    sig: signal.Signals, tmp_path: Path, hanging_soffice: Path
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    letter = _letter(tmp_path / "in", "hang")
    proc = _wfhdoc(
        "pdf", str(letter), "-o", str(tmp_path / "out"), "--timeout", "600",
        env=_env(tmp, WFHDOC_SOFFICE=str(hanging_soffice)),
    )  # fmt: skip
    try:
        # LibreOffice is stuck on the letter: its worker process is running
        assert _wait_for(lambda: [p for p in _processes(str(tmp)) if "time.sleep(3600)" in p]), (
            proc.poll(),
            proc.stderr.read() if proc.poll() is not None and proc.stderr else "",
        )
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    _clean_words(err.decode("utf-8", "replace"))
    # no LibreOffice (nor the guard) outlives wfhdoc, and nothing is left in TMPDIR: not the run's
    # folder, not LibreOffice's own lu*.tmp
    assert _wait_for(lambda: not _processes(str(tmp))), _processes(str(tmp))
    assert _wait_for(lambda: not list(tmp.iterdir())), list(tmp.iterdir())
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_sigkill_reaches_the_real_soffice_bin(tmp_path: Path) -> None:
    """soffice is a script that execs oosplash, which starts soffice.bin: killing wfhdoc with
    SIGKILL while the real LibreOffice converts must take soffice.bin down too."""
    require_tool("soffice")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    letters = [_letter(tmp_path / "in", f"l{i}") for i in range(12)]
    proc = _wfhdoc(
        "pdf", *map(str, letters), "-o", str(tmp_path / "out"), "--workers", "1", env=_env(tmp)
    )  # fmt: skip
    try:
        seen = _wait_for(
            lambda: [p for p in _processes(str(tmp)) if "soffice.bin" in p] or proc.poll() is not None
        )
        if proc.poll() is not None:
            pytest.skip("LibreOffice was done before soffice.bin could be seen")
        assert seen
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _wait_for(lambda: not _processes(str(tmp))), _processes(str(tmp))
    assert _wait_for(lambda: not list(tmp.iterdir())), list(tmp.iterdir())


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_later_run_removes_what_a_killed_run_left(tmp_path: Path) -> None:
    require_tool("soffice")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # a run killed together with its guard: its folder, LibreOffice's temporary files in it, and
    # a LibreOffice of that run still going (a process whose environment names the folder)
    stale = tmp / f"wfhdoc-pdf-{_dead_pid()}-0-x1y2z3"
    (stale / "tmp" / "lu98765.tmp").mkdir(parents=True)
    (stale / "in").mkdir()
    (stale / "in" / "00001-letter.docx").write_bytes(b"PK")
    orphan = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(3600)"],
        env=dict(os.environ, WFHDOC_PDF_RUN=str(stale)),
        start_new_session=True,
    )
    # a live run of this very process: kept
    mine = tmp / f"wfhdoc-pdf-{os.getpid()}-{guard._start_time(os.getpid())}-abcdef"
    mine.mkdir()
    # something else of the same name, not a folder: kept
    other = tmp / "wfhdoc-pdf-1-0-notes.txt"
    other.write_text("not a run")
    try:
        done = _run("pdf", str(_letter(tmp_path / "in", "ok")), "-o", str(tmp_path / "out"), env=_env(tmp))
        assert done.returncode == 0, done.stderr
        _clean_words(done.stderr)
        assert (tmp_path / "out" / "ok.pdf").exists()
        assert not stale.exists()
        assert _wait_for(lambda: orphan.poll() is not None, 30) and orphan.returncode == -signal.SIGKILL
        assert mine.is_dir() and other.is_file()
        assert sorted(p.name for p in tmp.iterdir()) == sorted([mine.name, other.name])
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_convert_cleans_up_on_keyboardinterrupt_and_systemexit(
    stop: type[BaseException], tmp_path: Path, hanging_soffice: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI turns SIGTERM and SIGHUP into KeyboardInterrupt; `sys.exit` from a progress
    callback is a SystemExit: convert() must clean up on both, with a LibreOffice stuck."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    inputs = [_letter(tmp_path / "in", "ok"), _letter(tmp_path / "in", "hang")]

    def progress(done: int, total: int) -> None:
        raise stop

    with pytest.raises(stop):
        pdf.convert(
            inputs, tmp_path / "out", workers=2, timeout=600, progress=progress, soffice=hanging_soffice
        )
    assert _processes(str(tmp)) == []
    assert list(tmp.iterdir()) == []


def test_libreoffice_stopped_and_killed_leaves_no_temporary_files(tmp_path: Path) -> None:
    """A LibreOffice that stops (SIGSTOP) is killed at the timeout and the file tried again; its
    own temporary files (lu*.tmp) were in the run's folder, so TMPDIR stays empty."""
    require_tool("soffice")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = _wfhdoc(
        "pdf", str(_letter(tmp_path / "in", "a")), "-o", str(tmp_path / "out"), "--timeout", "20",
        env=_env(tmp),
    )  # fmt: skip
    stopped: list[int] = []

    def stop_it() -> bool:
        for line in _processes(str(tmp)):
            if "soffice.bin" in line:
                pid = int(line.split(":")[0])
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
                return True
        return proc.poll() is not None

    try:
        _wait_for(stop_it)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if not stopped:
        pytest.skip("LibreOffice was done before soffice.bin could be stopped")
    _clean_words(err.decode())
    assert proc.returncode == 0, err.decode()
    assert (tmp_path / "out" / "a.pdf").exists()
    assert _processes(str(tmp)) == []
    assert list(tmp.iterdir()) == []


# -- 2. no network from LibreOffice ------------------------------------------------------------------

_PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def _any(self) -> None:
        self.server.requests.append(f"{self.command} {self.path}")  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(_PNG_1PX)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(_PNG_1PX)

    do_GET = do_HEAD = do_OPTIONS = do_PROPFIND = do_POST = _any

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 that records every request: (base URL, requests)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.requests  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="952500" cy="952500"/><wp:docPr id="900" name="x"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData '
    'uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://'
    'schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="900" name="x.png"/>'
    '<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/>'
    '</a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
    "</a:graphic></wp:inline></w:drawing></w:r></w:p>"
)
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"


def _linked_letter(
    folder: Path, name: str, targets: list[str], link: str | None = None, disguised: tuple[str, ...] = ()
) -> Path:
    """The letter with a picture linked (not embedded) from each target, TargetMode External;
    pictures linked from each of `disguised` through a relationship typed as a hyperlink (which
    LibreOffice loads all the same); and a real hyperlink to `link`."""
    folder.mkdir(parents=True, exist_ok=True)
    source = zipfile.ZipFile(io.BytesIO(_letter_bytes()))
    everything = [(t, _IMAGE) for t in targets] + [(t, _HYPERLINK) for t in disguised]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                body = "".join(_PICTURE.format(rid=f"rIdExt{i}") for i in range(len(everything)))
                if link:
                    body += (
                        '<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>trang web</w:t></w:r></w:hyperlink></w:p>'
                    )
                data = data.replace(b"<w:body>", b"<w:body>" + body.encode(), 1)
            elif info.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Id="rIdExt{i}" Type="{kind}" Target="{t}" TargetMode="External"/>'
                    for i, (t, kind) in enumerate(everything)
                )
                if link:
                    rels += f'<Relationship Id="rIdLink" Type="{_HYPERLINK}" Target="{link}" '
                    rels += 'TargetMode="External"/>'
                data = data.replace(b"</Relationships>", rels.encode() + b"</Relationships>")
            package.writestr(info, data)
    target = folder / f"{name}.docx"
    target.write_bytes(out.getvalue())
    return target


def _images(path: Path) -> int:
    out = subprocess.run(
        [require_tool("pdfimages"), "-list", str(path)], capture_output=True, text=True, check=True
    )
    return len(out.stdout.splitlines()) - 2


def test_pdf_fetches_no_externally_linked_image(tmp_path: Path, web: tuple[str, list[str]]) -> None:
    require_tool("soffice")
    base, requests = web
    local = EXAMPLES / "signing" / "con-dau-so-cong-thuong.png"  # a local file is no better
    letter = _linked_letter(
        tmp_path / "in",
        "linked",
        [f"{base}/x.png", f"{base}/y.png?z=1", local.as_uri()],
        link=f"{base}/a-real-link",  # a hyperlink: never fetched either
        disguised=(f"{base}/disguised.png",),
    )
    before = letter.read_bytes()
    done = _run("pdf", str(letter), "-o", str(tmp_path / "out"), env=_env(tmp_path))
    assert done.returncode == 0, done.stderr
    _clean_words(done.stderr)
    made = tmp_path / "out" / "linked.pdf"
    assert pdf.looks_like_pdf(made.read_bytes())
    assert requests == []
    assert _images(made) == 0  # neither the fetched picture nor the local file is in the PDF
    assert letter.read_bytes() == before  # the letter itself is not changed, only its staged copy


def test_an_opendocument_file_fetches_nothing_either(
    tmp_path: Path, web: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a package whose links can be cut: the profile alone keeps LibreOffice off the network."""
    require_tool("soffice")
    base, requests = web
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    letter = tmp_path / "in" / "thu.fodt"
    letter.parent.mkdir()
    letter.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<office:document xmlns:office="urn:oasis:names:tc:'
        'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/'
        '1999/xlink" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version='
        '"1.3" office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
        '<text:p>Kính gửi<draw:frame svg:width="2cm" svg:height="2cm" text:anchor-type="as-char">'
        f'<draw:image xlink:href="{base}/odt.png" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p></office:text></office:body></office:document>',
        encoding="utf-8",
    )
    # the command line takes .docx only; convert() takes whatever LibreOffice reads
    (result,) = pdf.convert([letter], tmp_path / "out", workers=1)
    assert result.ok, result.message
    assert pdf.looks_like_pdf((tmp_path / "out" / "thu.pdf").read_bytes())
    assert requests == []


@pytest.mark.parametrize("layer", ["the profile", "the staged copy"])
def test_each_layer_alone_blocks_linked_images(
    layer: str, tmp_path: Path, web: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two layers, each enough: with the staged copy's links left as they are, the profile blocks
    them; with a profile that allows them, the staged copy has none."""
    require_tool("soffice")
    base, requests = web
    if layer == "the profile":
        monkeypatch.setattr(stage, "_cut_external_links", lambda path: None)
    else:
        monkeypatch.setattr(pool, "_PROFILE_SETTINGS", '<?xml version="1.0" encoding="UTF-8"?>\n'
                            '<oor:items xmlns:oor="http://openoffice.org/2001/registry"/>\n')  # fmt: skip
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    letter = _linked_letter(tmp_path / "in", "linked", [f"{base}/x.png"], disguised=(f"{base}/d.png",))
    (result,) = pdf.convert([letter], tmp_path / "out", workers=1)
    assert result.ok, result.message
    assert requests == []


def test_the_staged_copy_has_no_external_link_but_keeps_hyperlinks(tmp_path: Path) -> None:
    letter = _linked_letter(
        tmp_path / "in",
        "linked",
        ["http://127.0.0.1:9/x.png", r"file://///server/share/x.png"],
        link="https://example.org/",
        disguised=("http://127.0.0.1:9/disguised.png",),
    )
    item = stage.Item(0, letter, tmp_path / "out.pdf")
    (tmp_path / "stage").mkdir()
    assert stage.stage(item, tmp_path / "stage") == ""
    with zipfile.ZipFile(item.staged) as package, zipfile.ZipFile(letter) as original:
        rels = package.read("word/_rels/document.xml.rels").decode()
        assert package.read("word/document.xml") == original.read("word/document.xml")
        assert package.namelist() == original.namelist()
    assert "127.0.0.1" not in rels and "server/share" not in rels and "disguised" not in rels
    # the real hyperlink, used by w:hyperlink only, stays a link
    assert rels.count('TargetMode="External"') == 1 and 'Target="https://example.org/"' in rels
    assert 'Target="styles.xml"' in rels
    # character references do not hide an external relationship
    sneaky = _linked_letter(tmp_path / "in", "sneaky", ["http://127.0.0.1:9/y.png"])
    data = sneaky.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(sneaky, "w") as package:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.endswith("document.xml.rels"):
                part = part.replace(b'TargetMode="External"', b'TargetMode="&#69;xternal"')
            package.writestr(info, part)
    item = stage.Item(2, sneaky, tmp_path / "sneaky.pdf")
    assert stage.stage(item, tmp_path / "stage") == ""
    with zipfile.ZipFile(item.staged) as package:
        assert "127.0.0.1" not in package.read("word/_rels/document.xml.rels").decode()
    # a letter with no external link is copied as it is
    plain = _letter(tmp_path / "in", "plain")
    item = stage.Item(1, plain, tmp_path / "plain.pdf")
    assert stage.stage(item, tmp_path / "stage") == ""
    assert item.staged.read_bytes() == plain.read_bytes()


# -- 3. sign -----------------------------------------------------------------------------------------

try:
    import pyhanko  # noqa: F401

    HAVE_SIGNING = True
except ImportError:  # pragma: no cover
    HAVE_SIGNING = False

signing = pytest.mark.skipif(not HAVE_SIGNING, reason="signing needs pyHanko (pip install 'wfhdoc[sign]')")

SIGNATURE_PNG = EXAMPLES / "signing" / "chu-ky-nguyen-huu-hung.png"
SEAL_PNG = EXAMPLES / "signing" / "con-dau-so-cong-thuong.png"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not HAVE_SIGNING:
        pytest.skip("signing needs pyHanko")
    from pki import make_pki

    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def letter_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("soffice")
    folder = tmp_path_factory.mktemp("letter")
    (result,) = pdf.convert([_letter(folder, "451-SCT-VP")], folder / "pdf", workers=1)
    assert result.ok and result.output is not None, result.message
    return result.output


@pytest.fixture(scope="module")
def softhsm(pki, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:  # type: ignore[no-untyped-def]
    """A SoftHSM2 token 'wfhdoc-adv' with the agency's key: (library, SOFTHSM2_CONF) for the CLI."""
    softhsm_util = require_tool("softhsm2-util")
    tool = require_tool("pkcs11-tool")
    lib = next(
        (
            p
            for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
            if os.path.isfile(p)
        ),
        None,
    )
    if lib is None:
        pytest.skip("libsofthsm2.so is not installed")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60, env=env)

    run(
        softhsm_util,
        "--init-token",
        "--free",
        "--label",
        "wfhdoc-adv",
        "--pin",
        "123456",
        "--so-pin",
        "12345678",
    )
    run(
        softhsm_util,
        "--import",
        str(pki.agency.key_pk8),
        "--token",
        "wfhdoc-adv",
        "--label",
        "agency",
        "--id",
        "01",
        "--pin",
        "123456",
    )
    run(
        tool, "--module", lib, "--token-label", "wfhdoc-adv", "--login", "--pin", "123456",
        "--write-object", str(pki.agency.cert_der), "--type", "cert", "--label", "agency", "--id", "01",
    )  # fmt: skip
    return lib, conf


def _sign_env(tmp_path: Path, pki, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from pki import PASSPHRASE

    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True, mode=0o700)
    settings = {"XDG_CACHE_HOME": str(cache), "WFHDOC_P12_PASSPHRASE": PASSPHRASE.decode(), **extra}
    return _env(Path(settings.pop("TMPDIR", str(tmp_path))), **settings)


def _huge_png(path: Path, width: int, height: int) -> Path:
    """A PNG whose header says width x height (RGBA) with a tiny IDAT: decoding it would need
    width*height*4 bytes; the header is all it takes to refuse it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 4096))
        + chunk(b"IEND", b"")
    )
    return path


@signing
@pytest.mark.parametrize("role", ["signer", "agency"])
def test_a_400_megapixel_image_is_refused_clearly(role: str, letter_pdf: Path, pki, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "451.pdf"
    shutil.copyfile(letter_pdf, source)
    before = source.read_bytes()
    image = _huge_png(tmp_path / "big.png", 20000, 20000)
    option = "--signature-image" if role == "signer" else "--seal-image"
    key = pki.signer.p12 if role == "signer" else pki.agency.p12
    done = _run(
        "sign",
        str(source),
        "--as",
        role,
        "--pkcs12",
        str(key),
        option,
        str(image),
        env=_sign_env(tmp_path, pki),
    )
    assert done.returncode == 1, done.stderr
    _clean_words(done.stderr)
    assert "20000 x 20000 pixels (400 megapixels)" in done.stderr and "save it smaller" in done.stderr
    assert "big.png" in done.stderr
    assert source.read_bytes() == before
    assert not (tmp_path / f"451-{role}.pdf").exists()


@signing
def test_pillows_own_decompression_bomb_error_is_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    from wfh_docs.errors import InputError
    from wfh_docs.sign import images

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a Pillow stricter than our own cap
    with pytest.raises(InputError, match="too large to decode safely") as info:
        images.load_png(SEAL_PNG, "seal", "red")
    assert "save it smaller" in str(info.value)


@signing
def test_an_empty_pin_is_never_sent_to_the_token(letter_pdf: Path, pki, softhsm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lib, conf = softhsm
    signed = tmp_path / "451-signer.pdf"
    env = _sign_env(tmp_path, pki, SOFTHSM2_CONF=str(conf))
    done = _run(
        "sign", str(letter_pdf), "--as", "signer", "--pkcs12", str(pki.signer.p12), "--signature-image",
        str(SIGNATURE_PNG), "-o", str(signed), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    agency = ["sign", str(signed), "--as", "agency", "--pkcs11-lib", lib, "--token-label", "wfhdoc-adv"]
    agency += ["--seal-image", str(SEAL_PNG)]
    # empty and no terminal, nothing on standard input: a clear error, no try on the token
    done = _run(*agency, "-o", str(tmp_path / "a.pdf"), env=dict(env, WFHDOC_PIN=""))
    assert done.returncode == 2, done.stderr
    _clean_words(done.stderr)
    assert "PIN of the token needed (WFHDOC_PIN is set but empty)" in done.stderr
    assert not (tmp_path / "a.pdf").exists()
    # empty: taken as not given, so the PIN is read from standard input as when it is unset
    done = _run(*agency, "-o", str(tmp_path / "b.pdf"), env=dict(env, WFHDOC_PIN=""), stdin=b"123456\n")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "b.pdf").exists()


@signing
def test_sign_pdf_never_calls_the_token_with_an_empty_pin(
    letter_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wfh_docs import sign
    from wfh_docs.errors import InputError
    from wfh_docs.sign import keys

    opened: list[object] = []

    class Token:
        label = "fake"
        flags = keys.pkcs11.TokenFlag.TOKEN_INITIALIZED

        def open(self, user_pin: object = None, **kwargs: object) -> None:
            opened.append(user_pin)
            raise keys.pkcs11.exceptions.PinIncorrect()

    class Slot:
        def get_token(self) -> Token:
            return Token()

    class Lib:
        def __init__(self, path: str) -> None:
            pass

        def get_slots(self, token_present: bool = False) -> list[Slot]:
            return [Slot()]

    monkeypatch.setattr(keys.pkcs11, "lib", Lib)
    for pin in ("", None):
        with pytest.raises(InputError, match="PIN"):
            sign.sign_pdf(
                letter_pdf,
                tmp_path / "x.pdf",
                role="signer",
                pkcs11_lib="libfake.so",
                pin=pin,
                image=SIGNATURE_PNG,
            )
    with pytest.raises(InputError, match="wrong PIN"):
        sign.sign_pdf(
            letter_pdf,
            tmp_path / "x.pdf",
            role="signer",
            pkcs11_lib="libfake.so",
            pin="1",
            image=SIGNATURE_PNG,
        )
    assert opened == ["1"]


@signing
def test_a_second_signature_on_top_of_the_first_is_warned_about(
    letter_pdf: Path, pki, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    env = _sign_env(tmp_path, pki)
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    signer = ["--as", "signer", "--pkcs12", str(pki.signer.p12), "--signature-image", str(SIGNATURE_PNG)]
    done = _run("sign", str(letter_pdf), *signer, "-o", str(first), env=env)
    assert done.returncode == 0 and "covers" not in done.stderr, done.stderr
    done = _run("sign", str(first), *signer, "-o", str(second), env=env)
    assert done.returncode == 0, done.stderr
    assert "warning: the new signature on page" in done.stderr
    assert "of the existing signature 'NguoiKy'" in done.stderr and "--box" in done.stderr
    # the agency's seal over a third of the signer's signature is how ND 30 wants it: no warning
    done = _run(
        "sign", str(first), "--as", "agency", "--pkcs12", str(pki.agency.p12), "--seal-image", str(SEAL_PNG),
        "-o", str(tmp_path / "3.pdf"), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "covers" not in done.stderr, done.stderr
    # a second agency signature over the first one is
    done = _run(
        "sign", str(tmp_path / "3.pdf"), "--as", "agency", "--pkcs12", str(pki.agency.p12), "--seal-image",
        str(SEAL_PNG), "-o", str(tmp_path / "4.pdf"), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "of the existing signature 'CoQuan'" in done.stderr


def _fonts(path: Path) -> str:
    return subprocess.run(
        [require_tool("pdffonts"), str(path)], capture_output=True, text=True, check=True
    ).stdout


def _planted_name(font: Path, planted: bytes) -> str:
    """What the cache would call the rescaled `font`, for a file holding `planted`."""
    from wfh_docs.sign import fonts

    digest = hashlib.sha256(font.read_bytes()).hexdigest()[:16]
    return (
        f"{font.stem}-{digest}-1000upem-{fonts._FONT_RECIPE}-{hashlib.sha256(planted).hexdigest()[:32]}.ttf"
    )


@signing
@pytest.mark.parametrize("planted_by", ["another user", "anyone (mode 0777)"])
def test_a_font_planted_in_a_shared_cache_folder_is_not_used(
    planted_by: str,
    letter_pdf: Path,
    pki,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from wfh_docs.sign import fonts

    real_font = fonts.find_font(None)
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.is_file():
        pytest.skip("needs DejaVu Sans to plant")
    if planted_by == "another user" and os.getuid() != 0:
        pytest.skip("making a folder of another user needs root")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # no usable ~/.cache: the cache falls back to $TMPDIR/wfhdoc-fonts-<uid>, made by the attacker
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    shared = tmp / f"wfhdoc-fonts-{os.getuid()}"
    shared.mkdir()
    planted = dejavu.read_bytes()
    (shared / _planted_name(real_font, planted)).write_bytes(planted)
    if planted_by == "another user":
        os.chown(shared, 12345, 12345)
        os.chmod(shared, 0o755)
    else:
        os.chmod(shared, 0o777)
    env = _sign_env(tmp_path, pki, TMPDIR=str(tmp), XDG_CACHE_HOME=str(blocker / "cache"))
    out = tmp_path / "appendix.pdf"
    done = _run(
        "sign", str(letter_pdf), "--as", "appendix", "--pkcs12", str(pki.agency.p12),
        "--number", "451/SCT-VP", "-o", str(out), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    embedded = _fonts(out)
    assert "DejaVu" not in embedded, embedded
    assert real_font.stem.split("-")[0].replace("_", "") in embedded.replace("_", "").replace(" ", ""), (
        embedded
    )
    # the fresh private folder used instead is gone with the process
    assert sorted(p.name for p in tmp.iterdir()) == [shared.name]


@signing
def test_a_cached_font_that_does_not_match_its_name_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wfh_docs.sign import fonts

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = fonts.find_font(None)
    made = fonts.font_1000(font)
    assert made.parent == tmp_path / "cache" / "wfhdoc" / "fonts"
    assert (made.parent.stat().st_mode & 0o777) == 0o700
    good = made.read_bytes()
    assert fonts.font_1000(font) == made  # reused
    made.write_bytes(b"planted" + good[7:])  # the same name, other bytes: not trusted
    again = fonts.font_1000(font)
    assert again.read_bytes() == good
    # a cache folder that others may write into is not used at all
    os.chmod(made.parent, 0o777)
    elsewhere = fonts.font_1000(font)
    assert elsewhere.parent != made.parent and (elsewhere.parent.stat().st_mode & 0o777) == 0o700
    assert elsewhere.read_bytes() == good


# -- 4. verify ------------------------------------------------------------------------------------------


@signing
@pytest.mark.parametrize(
    "tail", [b"\n% nothing to see\n" + b"A" * 200, b"\n1 0 obj (x) endobj\nstartxref\n{startxref}\n%%EOF\n"]
)
def test_bytes_appended_after_the_last_eof_are_reported(
    tail: bytes, letter_pdf: Path, pki, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    env = _sign_env(tmp_path, pki)
    signed = tmp_path / "signed.pdf"
    done = _run(
        "sign", str(letter_pdf), "--as", "signer", "--pkcs12", str(pki.signer.p12), "--signature-image",
        str(SIGNATURE_PNG), "-o", str(signed), env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = _run("verify", str(signed), env=env)
    assert done.returncode == 0 and "unsigned" not in done.stdout, done.stdout
    tampered = tmp_path / "tampered.pdf"
    data = signed.read_bytes()
    # the second tail ends like the real end: startxref pointing at the last xref, then %%EOF
    tail = tail.replace(b"{startxref}", re.findall(rb"startxref\s+(\d+)\s+%%EOF", data)[-1])
    tampered.write_bytes(data + tail)
    before = tampered.read_bytes()
    done = _run("verify", str(tampered), env=env)
    assert done.returncode == 1, done.stdout
    _clean_words(done.stdout + done.stderr)
    assert f"unsigned bytes: {len(tail)} after the end of the PDF, covered by no signature" in done.stdout
    assert (
        "no changes" not in done.stdout.split("after signing:")[1].split(";")[0] or "appended" in done.stdout
    )
    assert "covers: entire file" not in done.stdout
    done = _run("verify", str(tampered), "--json", env=env)
    assert done.returncode == 1
    (row,) = json.loads(done.stdout)
    assert row["unsigned_bytes"] == len(tail) and row["ok"] is False and row["modified_after"] is True
    assert row["coverage"] != "entire file"
    assert any("unsigned bytes after the end of the PDF" in p for p in row["problems"])
    assert tampered.read_bytes() == before
    # poppler agrees that the signature does not cover the whole file
    sig = subprocess.run([require_tool("pdfsig"), str(tampered)], capture_output=True, text=True, timeout=60)
    assert "Not total document signed" in sig.stdout


@signing
def test_a_blank_line_after_the_eof_is_not_reported(letter_pdf: Path, pki, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from pki import PASSPHRASE

    from wfh_docs import sign

    signed = tmp_path / "signed.pdf"
    sign.sign_pdf(
        letter_pdf, signed, role="signer", pkcs12=pki.signer.p12, passphrase=PASSPHRASE, image=SIGNATURE_PNG
    )
    signed.write_bytes(signed.read_bytes() + b"\r\n\n")
    (report,) = sign.verify_pdf(signed)
    assert report.unsigned_bytes == 0 and report.ok, report


@signing
def test_sign_as_copy_from_the_command_line(letter_pdf: Path, pki, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the README's example of an electronic bản sao, and the message when its form is missing
    env = _sign_env(tmp_path, pki)
    out = tmp_path / "ban-sao.pdf"
    key = ["--pkcs12", str(pki.agency.p12)]
    done = _run(
        "sign", str(letter_pdf), "--as", "copy", "--copy-form", "SAO Y", *key, "-o", str(out), env=env
    )
    assert done.returncode == 0, done.stderr
    verified = _run("verify", str(out), "--json", env=env)
    assert '"role": "copy"' in verified.stdout, verified.stdout
    done = _run("sign", str(letter_pdf), "--as", "copy", *key, "-o", str(tmp_path / "x.pdf"), env=env)
    assert done.returncode != 0 and "hình thức sao" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.pdf").exists()
