"""wfhdoc web without a browser: every route through Starlette's TestClient, hostile uploads,
the CSRF and login guards, and a template that tries to run code."""

from __future__ import annotations

import io
import json
import re
import subprocess
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from helpers import EXAMPLES, REFERENCE_JSON, ROOT, require_tool, sheet_column

from wfh_docs.check import check_docx
from wfh_docs.cli import main
from wfh_docs.errors import WfhDocError
from wfh_docs.web import guard as web_guard
from wfh_docs.web.app import create_app
from wfh_docs.web.config import WebConfig, check
from wfh_docs.web.guard import LOGIN_TRIES
from wfh_docs.web.pages import check as check_page

with warnings.catch_warnings():
    # starlette's TestClient names anyio.abc.BlockingPortal, an alias newer anyio deprecates
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

BASE = "http://127.0.0.1:8750"
SAMPLE_XLSX = EXAMPLES / "bao-cao-wfh-quang-tri.xlsx"
TEMPLATE = ROOT / "wfh_docs" / "templates" / "cong-van.docx"


def _client(**config: Any) -> TestClient:
    return TestClient(create_app(WebConfig(**config)), base_url=BASE)


@pytest.fixture
def client() -> Iterator[TestClient]:
    with _client() as c:
        c.get("/soan")  # the CSRF cookie
        yield c


def _english(c: TestClient) -> None:
    """The page in English from now on: the library's messages asserted in English come in it
    (the app speaks Vietnamese unless asked, whatever WFHDOC_LANG the tests run with)."""
    c.get("/soan?lang=en")


def _csrf(c: TestClient) -> str:
    token = c.cookies.get("wfhdoc_csrf")
    assert token
    return token


def _letter() -> dict[str, Any]:
    return json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))


def _docx_bytes(letter: dict[str, Any] | None = None) -> bytes:
    with _client() as c:
        c.get("/soan")
        r = c.post("/soan/docx", data={"csrf": _csrf(c), "letter": json.dumps(letter or _letter())})
        assert r.status_code == 200, r.text
        return r.content


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (300 << 20)})


def _bad_crc(data: bytes) -> bytes:
    """The .docx with one byte of word/document.xml's stored data changed (stored, so the CRC fails)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    raw = bytearray(_zip(members, zipfile.ZIP_STORED))
    at = raw.find(b"<w:body>")
    assert at > 0
    raw[at + 1] ^= 0x20
    return bytes(raw)


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text


# --- pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/soan", "Soạn văn bản"),
        ("/hang-loat", "Tạo hàng loạt"),
        ("/kiem-tra", "Kiểm tra văn bản"),
        ("/so-dang-ky", "Sổ đăng ký văn bản đi"),
        ("/ky-so", "Ký số"),
    ],
)
def test_every_page_is_vietnamese(client: TestClient, path: str, text: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert text in r.text
    assert '<html lang="vi">' in r.text


def test_the_start_page_is_the_compose_page(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/soan"


def test_english_on_request_and_kept_in_a_cookie(client: TestClient) -> None:
    r = client.get("/soan?lang=en")
    assert "Write a letter" in r.text and '<html lang="en">' in r.text
    assert "Write a letter" in client.get("/kiem-tra").text
    assert "Soạn văn bản" in client.get("/kiem-tra?lang=vi").text


def test_every_field_of_the_compose_page_has_a_label(client: TestClient) -> None:
    html = client.get("/soan").text
    ids = re.findall(r'<(?:input(?! type="hidden")|select|textarea)[^>]*\bid="([^"]+)"', html)
    assert len(ids) > 20
    for ident in ids:
        assert f'for="{ident}"' in html, ident


def test_unknown_page_is_a_vietnamese_404(client: TestClient) -> None:
    r = client.get("/khong-co")
    assert r.status_code == 404 and "Không có trang này" in r.text


def test_pages_carry_a_content_security_policy(client: TestClient) -> None:
    r = client.get("/soan")
    assert "script-src" not in r.headers["content-security-policy"]  # default-src 'self' covers it
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-frame-options"] == "DENY"
    assert "<script>" not in r.text and " style=" not in r.text  # nothing inline for the policy to block


def test_static_files_are_served(client: TestClient) -> None:
    for name in ("style.css", "common.js", "compose.js", "job.js", "check.js"):
        assert client.get(f"/static/{name}").status_code == 200


# --- compose --------------------------------------------------------------------------------


def test_validation_puts_each_problem_at_its_field(client: TestClient) -> None:
    _english(client)
    letter = _letter() | {"date": "32/13/2020"}
    del letter["signer"]["name"]
    r = client.post("/api/kiem-tra-du-lieu", json=letter, headers={"X-CSRF-Token": _csrf(client)})
    answer = r.json()
    assert answer["ok"] is False
    paths = {p["path"]: p["message"] for p in answer["problems"]}
    assert "not a real date" in paths["$.date"]
    assert "$.signer.name" in paths
    r = client.post("/api/kiem-tra-du-lieu", json=_letter(), headers={"X-CSRF-Token": _csrf(client)})
    assert r.json() == {"ok": True, "problems": [], "warnings": []}


def test_validation_of_text_that_is_not_json(client: TestClient) -> None:
    _english(client)
    r = client.post(
        "/api/kiem-tra-du-lieu",
        content=b"{",
        headers={"X-CSRF-Token": _csrf(client), "content-type": "application/json"},
    )
    assert r.json()["problems"][0]["message"].startswith("not valid JSON")


def test_the_docx_downloads_and_passes_the_checker(client: TestClient) -> None:
    r = client.post("/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(_letter())})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="451-SCT-VP.docx"'
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "Kính gửi: Sở Thông tin và Truyền thông Quảng Trị" in text
    assert not [f for f in check_docx(r.content) if f.severity == "error"]


def test_a_bad_letter_comes_back_with_its_problems(client: TestClient) -> None:
    r = client.post(
        "/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(_letter() | {"number": "abc"})}
    )
    assert r.status_code == 400
    assert "Văn bản còn lỗi" in r.text
    assert "$.number" in r.text  # the problems go back to the page, for the fields
    _no_traceback(r.text)


def test_a_letter_with_markup_goes_back_to_the_page_escaped(client: TestClient) -> None:
    letter = _letter() | {"number": "</script><script>alert(1)</script>"}
    r = client.post("/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(letter)})
    assert r.status_code == 400
    assert "<script>alert(1)" not in r.text


def test_open_a_saved_letter(client: TestClient) -> None:
    files = {"file": ("451.json", REFERENCE_JSON.read_bytes(), "application/json")}
    r = client.post("/soan/mo", data={"csrf": _csrf(client)}, files=files)
    assert r.status_code == 200
    assert r.json()["letter"]["number"] == 451
    bad = {"file": ("x.json", b'{"a": 1, "a": 2}', "application/json")}
    _english(client)
    r = client.post("/soan/mo", data={"csrf": _csrf(client)}, files=bad)
    assert r.status_code == 400 and "appears twice" in r.json()["error"]
    client.get("/soan?lang=vi")
    other = {"file": ("x.txt", b"{}", "text/plain")}
    r = client.post("/soan/mo", data={"csrf": _csrf(client)}, files=other)
    assert "không phải tệp .json" in r.json()["error"]


def test_examples_are_the_repository_examples(client: TestClient) -> None:
    shipped = ROOT / "wfh_docs" / "examples"
    for path in [*EXAMPLES.glob("*.json"), SAMPLE_XLSX]:
        assert (shipped / path.name).read_bytes() == path.read_bytes(), f"copy {path} to {shipped}"
    assert sorted(p.name for p in shipped.iterdir()) == sorted(
        [p.name for p in EXAMPLES.glob("*.json")] + [SAMPLE_XLSX.name]
    )
    for path in EXAMPLES.glob("*.json"):
        r = client.get(f"/api/vi-du/{path.stem}")
        assert r.json()["issuer"] == json.loads(path.read_text(encoding="utf-8"))["issuer"]


def test_the_compose_page_has_a_select_of_every_kind_and_their_fields(client: TestClient) -> None:
    html = client.get("/soan").text
    select = html[html.index('<select id="f-type"') : html.index("</select>", html.index('id="f-type"'))]
    options = re.findall(r'<option value="([^"]*)">([^<]+)</option>', select)
    assert options[0] == ("", "Công văn (Mẫu 1.5)")
    assert ("quyet-dinh", "Quyết định (Mẫu 1.2)") in options and ("ke-hoach", "Kế hoạch (Mẫu 1.4)") in options
    assert ("bien-ban", "Biên bản (Mẫu 1.9)") in options and len(options) == 25
    assert 'for="f-type">Loại văn bản</label>' in html
    # each part only some kinds have is in a box that names them, shown or hidden by the page
    for ident, kinds in (
        ("f-issuing-authority", "decision telegram"),
        ("f-proposal", "decision"),
        ('data-list="bases"', "decision"),
        ("f-secretary-name", "minutes"),
        ("f-subject", "subject"),
        ('data-list="recipients"', "cong-van telegram named"),
    ):
        box = html.rfind("data-kinds=", 0, html.index(ident))
        assert html[box : html.index(">", box)] == f'data-kinds="{kinds}"', ident
    kinds = json.loads(re.search(r'<script type="application/json" id="kinds">(.*?)</script>', html, re.S)[1])
    assert kinds["quyet-dinh"] == {"layout": "decision", "subject": True, "abbreviation": "QĐ"}
    assert kinds["giay-gioi-thieu"]["subject"] is False and kinds["bao-cao"]["layout"] == "named"


def test_the_examples_of_other_kinds_are_titled_by_their_kind(client: TestClient) -> None:
    html = client.get("/soan").text
    assert "1205/QĐ-UBND: Quyết định Về việc thành lập Tổ công tác" in html
    assert "V/v Về việc" not in html


def test_a_quyet_dinh_as_the_page_sends_it_is_made(client: TestClient) -> None:
    # what compose.js sends for a quyết định: the type, its parts, no Kính gửi
    letter = json.loads((EXAMPLES / "quyet-dinh-to-cong-tac.json").read_text(encoding="utf-8"))
    letter.pop("$schema")
    r = client.post("/api/kiem-tra-du-lieu", json=letter, headers={"X-CSRF-Token": _csrf(client)})
    assert r.json()["ok"] is True, r.json()
    r = client.post("/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(letter)})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == 'attachment; filename="1205-QD-UBND.docx"'
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "QUYẾT ĐỊNH:" in text and "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC" in text
    # a quyết định with a part of a biên bản: the problem is told at that field
    _english(client)
    wrong = letter | {"secretary": {"name": "Trần Thị Lan"}}
    r = client.post("/api/kiem-tra-du-lieu", json=wrong, headers={"X-CSRF-Token": _csrf(client)})
    problems = r.json()["problems"]
    assert any("'secretary' has no place in a Quyết định" in p["message"] for p in problems), problems


@pytest.mark.parametrize("key", ["..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "nope", "..%5Ccong-van"])
def test_an_example_name_is_never_a_path(client: TestClient, key: str) -> None:
    assert client.get(f"/api/vi-du/{key}").status_code == 404


def _evil_template(tmp_path: Path) -> bytes:
    with zipfile.ZipFile(TEMPLATE) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    xml = members["word/document.xml"].decode()
    payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    at = xml.index("{{")
    members["word/document.xml"] = (xml[:at] + payload + xml[at:]).encode()
    return _zip(members)


def test_a_template_that_tries_to_run_code(client: TestClient, tmp_path: Path) -> None:
    files = {"template": ("mau.docx", _evil_template(tmp_path), "application/octet-stream")}
    r = client.post("/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(_letter())}, files=files)
    assert r.status_code == 400
    assert "uid=" not in r.text
    assert "mẫu đã tải lên" in r.text or "template" in r.text
    _no_traceback(r.text)


def test_a_template_that_is_not_a_docx(client: TestClient) -> None:
    files = {"template": ("mau.docx", b"not a zip", "application/octet-stream")}
    _english(client)
    r = client.post("/soan/docx", data={"csrf": _csrf(client), "letter": json.dumps(_letter())}, files=files)
    assert r.status_code == 400 and "not a zip archive" in r.text
    _no_traceback(r.text)


def test_preview_says_plainly_when_libreoffice_is_missing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFHDOC_SOFFICE", "/nonexistent/soffice")
    r = client.post("/soan/xem-truoc", data={"csrf": _csrf(client), "letter": json.dumps(_letter())})
    assert r.status_code == 200
    assert r.json()["pages"] == [] and "chưa cài LibreOffice" in r.json()["message"]
    assert "chưa cài LibreOffice" in client.get("/soan").text


# --- CSRF, login, hosts -----------------------------------------------------------------------

POSTS = [
    "/api/kiem-tra-du-lieu",
    "/soan/mo",
    "/soan/docx",
    "/soan/pdf",
    "/soan/xem-truoc",
    "/hang-loat",
    "/kiem-tra",
    "/dang-nhap",
]


@pytest.mark.parametrize("path", POSTS)
def test_every_post_without_its_csrf_token_is_refused(client: TestClient, path: str) -> None:
    r = client.post(path, data={"letter": "{}"})
    assert r.status_code == 403
    assert "Yêu cầu bị từ chối" in r.text
    r = client.post(path, data={"csrf": "x" * 43, "letter": "{}"})
    assert r.status_code == 403
    r = client.post(path, json={}, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403


def test_a_post_without_the_cookie_is_refused() -> None:
    with _client() as c:
        r = c.post("/soan/docx", data={"csrf": "a" * 43, "letter": "{}"})
        assert r.status_code == 403


def test_another_host_name_is_refused_on_loopback() -> None:
    with TestClient(create_app(), base_url="http://evil.example:8750") as c:
        r = c.get("/soan")
        assert r.status_code == 400 and "127.0.0.1" in r.text


def test_a_token_is_asked_for_and_checked() -> None:
    with TestClient(
        create_app(WebConfig(host="0.0.0.0", token="mat-khau-dai")), base_url="http://10.0.0.5:8750"
    ) as c:
        r = c.get("/kiem-tra", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/dang-nhap?next=/kiem-tra"
        page = c.get("/dang-nhap?next=/kiem-tra")
        assert "Mật khẩu" in page.text
        assert c.get("/static/style.css").status_code == 200
        assert c.post("/kiem-tra", data={"csrf": _csrf(c)}).status_code == 401
        r = c.post("/dang-nhap", data={"csrf": _csrf(c), "token": "sai", "next": "/kiem-tra"})
        assert r.status_code == 401 and "Mật khẩu không đúng" in r.text
        r = c.post(
            "/dang-nhap",
            data={"csrf": _csrf(c), "token": "mat-khau-dai", "next": "//evil.example/"},
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/soan"
        assert "mat-khau-dai" not in r.headers["set-cookie"]
        assert c.get("/kiem-tra").status_code == 200


def test_wrong_passwords_are_limited_per_computer() -> None:
    with TestClient(
        create_app(WebConfig(host="0.0.0.0", token="mat-khau-dai")), base_url="http://10.0.0.5:8750"
    ) as c:
        c.get("/dang-nhap")
        for _ in range(LOGIN_TRIES):
            r = c.post("/dang-nhap", data={"csrf": _csrf(c), "token": "sai", "next": "/soan"})
            assert r.status_code == 401
        # even the right password waits: a guesser cannot tell it from a wrong one
        r = c.post("/dang-nhap", data={"csrf": _csrf(c), "token": "mat-khau-dai", "next": "/soan"})
        assert r.status_code == 429 and "Nhập sai mật khẩu quá nhiều lần" in r.text
        assert 0 < int(r.headers["retry-after"]) <= 60
        assert c.get("/soan", follow_redirects=False).status_code == 303  # still not logged in


def test_the_login_limit_counts_per_client_within_its_window(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(web_guard.time, "monotonic", lambda: now[0])
    limiter = web_guard.LoginLimiter(tries=2, window=60)
    limiter.failure("a")
    limiter.failure("a")
    assert limiter.blocked("a") == 60 and limiter.blocked("b") == 0
    now[0] += 30
    assert limiter.blocked("a") == 30
    now[0] += 30
    assert limiter.blocked("a") == 0 and limiter.failed == {}  # forgotten once the window is past
    limiter.failure("a")
    limiter.success("a")
    limiter.failure("a")
    assert limiter.blocked("a") == 0  # a login that worked clears the count


def test_a_host_other_than_loopback_needs_a_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(WfhDocError, match="WFHDOC_WEB_TOKEN"):
        check(WebConfig(host="0.0.0.0"))
    check(WebConfig(host="127.0.0.1"))
    check(WebConfig(host="::1"))
    check(WebConfig(host="0.0.0.0", token="mat-khau-dai"))
    with pytest.raises(WfhDocError, match="8"):
        check(WebConfig(host="0.0.0.0", token="ngan"))
    monkeypatch.delenv("WFHDOC_WEB_TOKEN", raising=False)
    assert main(["web", "--host", "0.0.0.0", "--no-browser", "--port", "1"]) == 1
    err = capsys.readouterr().err
    assert "--host 0.0.0.0" in err and "WFHDOC_WEB_TOKEN" in err


# --- uploads ------------------------------------------------------------------------------------


def _check(c: TestClient, files: list[tuple[str, bytes]], **data: str) -> Any:
    return c.post(
        "/kiem-tra",
        data={"csrf": _csrf(c), **data},
        files=[("files", (name, content, "application/octet-stream")) for name, content in files],
    )


def test_check_shows_the_findings_by_part(client: TestClient) -> None:
    letter = _letter() | {"date": "2020-04-08"}
    docx = _docx_bytes(letter)
    typed = Document(io.BytesIO(docx))
    typed.sections[0].left_margin = 25 * 36000  # 25 mm: the decree asks 30-35
    buf = io.BytesIO()
    typed.save(buf)
    r = _check(client, [("451.docx", docx), ("go-tay.docx", buf.getvalue())])
    assert r.status_code == 200
    assert "451.docx" in r.text and "go-tay.docx" in r.text
    assert "Khổ giấy và lề" in r.text
    _english(client)
    r = _check(client, [("go-tay.docx", buf.getvalue())])
    assert "Paper and margins" in r.text and "margin left" in r.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("thu.docx", b"plain text, not a zip", "not a zip archive"),
        ("bom.docx", None, "inflates"),
        ("crc.docx", "crc", "damaged"),
        ("thu.pdf", b"%PDF-1.4", "không phải tệp .docx"),
        ("rong.docx", b"", "tệp rỗng"),
    ],
)
def test_bad_uploads_give_a_message_not_a_trace(
    client: TestClient, name: str, content: Any, message: str
) -> None:
    if content is None:
        content = _bomb()
    elif content == "crc":
        content = _bad_crc(_docx_bytes())
    if message.isascii():
        _english(client)
    r = _check(client, [(name, content)])
    assert r.status_code == 200
    assert message in r.text
    _no_traceback(r.text)


def test_path_like_names_never_reach_the_file_system(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    absolute = tmp_path / "tuyet-doi.docx"
    docx = _docx_bytes()
    names = [
        "../../etc/passwd.docx",
        "../../trong-tmp.docx",
        str(absolute),
        "..\\..\\win.docx",
        "C:\\Windows\\x.docx",
    ]
    r = _check(client, [(n, docx) for n in names])
    assert r.status_code == 200
    assert "passwd.docx" in r.text and "../../etc" not in r.text
    assert not absolute.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_oversized_and_too_many_uploads() -> None:
    with _client(max_file_bytes=20_000, max_files=2, max_body_bytes=400_000) as c:
        c.get("/soan")
        docx = _docx_bytes()
        r = _check(c, [("lon.docx", docx + b"\0" * 20_000)])
        assert "lớn hơn" in r.text
        r = _check(c, [(f"{i}.docx", docx[:100]) for i in range(3)])
        assert r.status_code == 400 and "Quá nhiều tệp" in r.text
        r = _check(c, [("rat-lon.docx", b"\0" * 500_000)])
        assert r.status_code == 413 and "quá lớn" in r.text
        _no_traceback(r.text)


def test_uploads_are_kept_only_in_the_private_folder(client: TestClient) -> None:
    state = client.app.state.wfhdoc  # type: ignore[attr-defined]
    root: Path = state.scratch.root
    assert root.stat().st_mode & 0o777 == 0o700
    _check(client, [("451.docx", _docx_bytes())])
    assert [p for p in root.iterdir() if p.name.startswith("req-")] == []


def test_an_unexpected_error_gives_a_plain_page(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(check_page, "check_file", broken)
    with TestClient(create_app(), base_url=BASE, raise_server_exceptions=False) as c:
        c.get("/soan")
        r = _check(c, [("451.docx", _docx_bytes())])
    assert r.status_code == 500 and "Máy chủ gặp lỗi" in r.text
    assert "a bug" not in r.text
    _no_traceback(r.text)
    assert "a bug" in caplog.text


# --- batch and register --------------------------------------------------------------------------


def _bad_row_workbook() -> bytes:
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb.active
    assert ws is not None
    column = sheet_column(ws, "date")
    ws.cell(row=5, column=column, value="32/13/2020")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _run_batch(c: TestClient, content: bytes, **data: str) -> dict[str, Any]:
    files = {"file": ("so-lieu.xlsx", content, "application/octet-stream")}
    r = c.post("/hang-loat", data={"csrf": _csrf(c), **data}, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = r.headers["location"]
    assert "so-lieu.xlsx" in c.get(page).text
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = c.get(f"/api{page}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError("the batch did not finish")


def test_a_batch_with_a_bad_row(client: TestClient) -> None:
    _english(client)  # the batch's messages are said in the page's language
    status = _run_batch(client, _bad_row_workbook())
    assert status["state"] == "done", status
    assert status["counts"] == {"built": 26, "unchanged": 0, "failed": 1}
    [row] = status["failed_rows"]
    assert "so-lieu.xlsx" in row["source"] and "row 5" in row["source"]
    assert "column" in row["message"] and "not a real date" in row["message"]
    r = client.get(status["zip"])
    assert r.headers["content-disposition"].startswith('attachment; filename="van-ban-so-lieu.zip"')
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert "manifest.csv" in names and sum(n.endswith(".docx") for n in names) == 26
    rows = manifest if isinstance(manifest, list) else manifest.get("rows", manifest.get("records"))
    assert [r["status"] for r in rows].count("failed") == 1


def test_a_batch_speaks_the_language_of_the_page_that_started_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WFHDOC_SOFFICE", "/nonexistent/soffice")
    status = _run_batch(client, _bad_row_workbook(), pdf="1")  # Vietnamese, the app's default
    assert status["state"] == "done" and "Máy này chưa cài LibreOffice" in status["note"]
    client.get("/soan?lang=en")
    status = _run_batch(client, _bad_row_workbook(), pdf="1")
    assert "LibreOffice is not installed on this computer" in status["note"]


def test_the_workbooks_download(client: TestClient) -> None:
    for url in ("/hang-loat/mau.xlsx", "/hang-loat/mau-hien-tai.xlsx"):
        r = client.get(url)
        assert r.status_code == 200
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        assert wb.active is not None and wb.active.max_row >= 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bang.xlsx", b"not a zip", "not a zip archive"),
        ("bom.xlsx", None, "inflates"),
        ("bang.csv", b"a,b", "không phải tệp .xlsx"),
    ],
)
def test_bad_workbooks(client: TestClient, name: str, content: bytes | None, message: str) -> None:
    files = {"file": (name, _bomb() if content is None else content, "application/octet-stream")}
    if message.isascii():
        _english(client)
    r = client.post("/hang-loat", data={"csrf": _csrf(client)}, files=files, follow_redirects=False)
    assert r.status_code == 400 and message in r.text
    _no_traceback(r.text)


def test_a_workbook_openpyxl_cannot_read(client: TestClient) -> None:
    status = _run_batch(client, _zip({"[Content_Types].xml": b"<Types/>"}))
    assert status["state"] == "failed" and status["error"]
    assert "Traceback" not in status["error"]


def test_an_unknown_batch_is_a_404(client: TestClient) -> None:
    assert client.get("/hang-loat/khong-co").status_code == 404
    assert client.get("/api/hang-loat/khong-co").status_code == 404
    assert client.get("/hang-loat/khong-co/ket-qua.zip").status_code == 404


def test_numbers_from_the_register_and_the_register_page(tmp_path: Path) -> None:
    register = tmp_path / "so.sqlite"
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb.active
    assert ws is not None
    column = sheet_column(ws, "number")
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=column).value = None
    buf = io.BytesIO()
    wb.save(buf)
    with _client(register=register) as c:
        assert "Chưa có văn bản" not in c.get("/so-dang-ky").text
        status = _run_batch(c, buf.getvalue())
        assert status["state"] == "done" and status["counts"]["failed"] == 0
        page = c.get("/so-dang-ky")
        assert "27 văn bản" in page.text, page.text[page.text.find("<main") :]
        assert "đã phát hành" in page.text
        agency = page.text.split('<select id="agency"', 1)[1].split('<option value="', 3)[2].split('"', 1)[0]
        one = c.get(f"/so-dang-ky?year=2020&agency={agency}")
        assert one.status_code == 200
        r = c.get(f"/so-dang-ky.xlsx?year=2020&agency={agency}")
        wb2 = openpyxl.load_workbook(io.BytesIO(r.content))
        ws2 = wb2.active
        assert ws2 is not None
        assert [c.value for c in ws2[1]][:3] == ["Năm", "Cơ quan", "Số"]
        assert ws2.max_row >= 2 and all(row[1].value == agency for row in ws2.iter_rows(min_row=2))


def test_the_register_page_without_a_register(client: TestClient) -> None:
    assert "--register" in client.get("/so-dang-ky").text


def test_the_signing_page_says_how_to_configure_it(client: TestClient) -> None:
    r = client.get("/ky-so")
    assert "--pkcs12" in r.text and "WFHDOC_P12_PASSPHRASE" in r.text
    assert client.post("/ky-so", data={"csrf": _csrf(client)}).status_code == 404


def test_a_pdf_made_here_is_signed_here(tmp_path: Path) -> None:
    require_tool("soffice")
    from pki import PASSPHRASE, make_pki

    (tmp_path / "pki").mkdir()
    pki = make_pki(tmp_path / "pki")
    with _client(pkcs12=pki.signer.p12, passphrase=PASSPHRASE) as c:
        page = c.get("/ky-so")
        assert "Chưa có bản PDF nào" in page.text
        r = c.post("/soan/pdf", data={"csrf": _csrf(c), "letter": json.dumps(_letter())})
        assert r.status_code == 200, r.text
        assert r.headers["content-disposition"] == 'attachment; filename="451-SCT-VP.pdf"'
        assert r.content.startswith(b"%PDF")
        page = c.get("/ky-so").text
        key = page.split('<select id="pdf" name="pdf"><option value="', 1)[1].split('"', 1)[0]
        assert "451-SCT-VP.pdf" in page
        r = c.post("/ky-so", data={"csrf": _csrf(c), "pdf": key, "role": "signer"})
        assert r.status_code == 400 and "451-SCT-VP.pdf" in r.text and "/tmp" not in r.text
        image = (EXAMPLES / "signing" / "chu-ky-nguyen-huu-hung.png").read_bytes()
        files = {"image": ("chu-ky.png", image, "image/png")}
        r = c.post("/ky-so", data={"csrf": _csrf(c), "pdf": key, "role": "signer"}, files=files)
        assert r.status_code == 200, r.text
        assert r.headers["content-disposition"] == 'attachment; filename="451-SCT-VP-signer.pdf"'
        assert b"/ByteRange" in r.content
        # an electronic copy of it: the copying agency's stamp, no image (Mẫu 3.2)
        copy_data = {"csrf": _csrf(c), "pdf": key, "role": "copy", "copy_form": "TRÍCH SAO"}
        r = c.post("/ky-so", data=copy_data | {"agency_name": "VĂN PHÒNG SỞ"})
        assert r.status_code == 200, r.text
        assert r.headers["content-disposition"] == 'attachment; filename="451-SCT-VP-copy.pdf"'
        copied = tmp_path / "ban-sao.pdf"
        copied.write_bytes(r.content)
        top = subprocess.run(
            [require_tool("pdftotext"), "-l", "1", "-layout", str(copied), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert "TRÍCH SAO" in top and "VĂN PHÒNG SỞ" in top
        r = c.post("/ky-so", data={"csrf": _csrf(c), "pdf": "../../etc/passwd", "role": "signer"})
        assert r.status_code == 400 and "Hãy chọn một tệp PDF" in r.text
        r = c.post("/ky-so", data={"csrf": _csrf(c), "pdf": key, "role": "admin"})
        assert r.status_code == 400 and "Hãy chọn người ký" in r.text


def test_a_batch_with_pdfs(client: TestClient) -> None:
    require_tool("soffice")
    wb = openpyxl.load_workbook(SAMPLE_XLSX)
    ws = wb.active
    assert ws is not None
    ws.delete_rows(4, ws.max_row)  # two letters are enough
    buf = io.BytesIO()
    wb.save(buf)
    status = _run_batch(client, buf.getvalue(), pdf="1")
    assert status["state"] == "done" and status["counts"]["built"] == 2, status
    with zipfile.ZipFile(io.BytesIO(client.get(status["zip"]).content)) as zf:
        assert sum(n.startswith("pdf/") and n.endswith(".pdf") for n in zf.namelist()) == 2


def test_every_part_of_the_checker_has_its_title_on_the_check_page() -> None:
    # a finding is shown under the part of the letter its rule is about: every rule's part has
    # a title there, never the raw prefix of its id
    from wfh_docs.check.table import RULES

    titled = {key for key, _title in check_page.PARTS}
    assert {r.id.split(".", 1)[0] for r in RULES} <= titled
