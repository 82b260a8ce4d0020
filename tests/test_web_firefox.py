"""wfhdoc web in Firefox: Debian's firefox-esr driven over WebDriver BiDi (tests/bidi.py), through
the steps the issue asks to see in every browser: a letter typed into the form and downloaded, a
bad date shown beside its field, the sample workbook with one bad row, a letter typed in Word
checked, the compose form by keyboard alone, and the pages at 125 %.

Typing, clicking and Tab are real input events; a failing test leaves a screenshot and the page in
tests/output/ (named firefox-…).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from helpers import ROOT, require_tool
from web_flows import NEW_LETTER, bad_row_workbook, hand_typed, served

from wfh_docs.check import check_docx

pytest.importorskip("websocket")
from bidi import TAB, Firefox  # noqa: E402

OUTPUT = ROOT / "tests" / "output"
WAIT = 120  # seconds for a page or a check
SLOW = 400  # seconds for LibreOffice on a loaded machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served(tmp_path_factory.mktemp("web-server-firefox"), WAIT)


@pytest.fixture(scope="module")
def firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Firefox]:
    binary = shutil.which("firefox-esr") or shutil.which("firefox") or require_tool("firefox-esr")
    downloads = tmp_path_factory.mktemp("firefox-downloads")
    browser = Firefox(binary, tmp_path_factory.mktemp("firefox") / "profile", downloads)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def browser(firefox: Firefox, request: pytest.FixtureRequest) -> Iterator[Firefox]:
    for old in firefox.downloads.iterdir():
        old.unlink()
    firefox.set_viewport(1280, 1000)
    failed_before = request.session.testsfailed
    yield firefox
    if request.session.testsfailed > failed_before:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        firefox.screenshot(OUTPUT / f"firefox-{request.node.name}.png")
        (OUTPUT / f"firefox-{request.node.name}.html").write_text(firefox.page_source(), encoding="utf-8")


def _page(browser: Firefox, url: str, ready: str) -> None:
    browser.get(url)
    browser.wait(lambda: browser.find(f"#{ready}"), WAIT, f"#{ready} on {url}")


def test_a_new_letter_typed_in_firefox_downloads_and_passes_the_checker(
    server: str, browser: Firefox
) -> None:
    _page(browser, server + "/soan", "f-issuer-parent")
    browser.wait(lambda: browser.find("#f-recipients-0"), WAIT, "the first recipient field")
    for ident, text in NEW_LETTER:
        browser.by_id(ident).clear_and_type(text)
    assert browser.by_id("f-issuer-place").value == "Quảng Trị"  # typed key by key, diacritics kept
    browser.by_id("f-signer-authority").choose("KT.")
    add = browser.find('[data-add="recipients"]')
    assert add is not None
    add.click()
    browser.wait(
        lambda: (a := browser.active()) is not None and a.attr("id") == "f-recipients-1",
        WAIT,
        "the new field focused",
    )
    browser.keys("Sở Nội vụ tỉnh Quảng Trị")
    status = browser.by_id("check-status")
    browser.wait(lambda: "Không có lỗi" in status.text, WAIT, "the letter checked without problems")

    browser.by_id("docx-button").click()
    docx = browser.downloaded(".docx", WAIT)
    assert docx.name == "451-SCT-VP.docx"
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Kính gửi:" in text and "Sở Nội vụ tỉnh Quảng Trị" in text
    assert "Sở Công Thương nhận được Văn bản số 249/STTTT-CNTT" in text
    assert not [f for f in check_docx(docx.read_bytes()) if f.severity == "error"]
    result = subprocess.run(
        [sys.executable, "-m", "wfh_docs", "check", str(docx)], capture_output=True, text=True, timeout=WAIT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_date_is_shown_beside_its_field_in_firefox(server: str, browser: Firefox) -> None:
    _page(browser, server + "/soan", "f-date")
    browser.by_id("f-date").clear_and_type("32/13/2020")
    message = browser.by_id("f-date-err")
    browser.wait(lambda: "32/13/2020" in message.text, WAIT, "the date's message")
    assert "không phải ngày có thật" in message.text
    assert browser.by_id("f-date").attr("aria-invalid") == "true"
    assert browser.by_id("f-signer-name-err").text == ""
    browser.by_id("f-date").clear_and_type("08/04/2020")
    browser.wait(lambda: message.text == "", WAIT, "the message to go")


def test_a_workbook_with_a_bad_row_in_firefox(server: str, browser: Firefox, tmp_path: Path) -> None:
    book = bad_row_workbook(tmp_path)
    _page(browser, server + "/hang-loat", "file")
    browser.by_id("file").set_files(book)
    browser.by_id("start-batch").click()
    browser.wait(lambda: browser.by_id("job-download").displayed(), SLOW, "the batch to finish")
    rows = browser.find_all("#job-rows tr")
    assert len(rows) == 1
    assert "dòng 7" in rows[0].text and "bao-cao-mot-dong-sai.xlsx" in rows[0].text
    assert "26" in browser.by_id("job-summary").text
    browser.by_id("job-zip").click()
    archive = browser.downloaded(".zip", WAIT)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        letters = [n for n in zf.namelist() if n.endswith(".docx")]
    rows_ = manifest if isinstance(manifest, list) else manifest.get("rows", manifest.get("records"))
    failed = [r for r in rows_ if r["status"] == "failed"]
    assert len(failed) == 1 and "dòng 7" in json.dumps(failed[0], ensure_ascii=False)
    assert len(letters) == 26


def test_a_hand_typed_letter_and_its_findings_in_firefox(
    server: str, browser: Firefox, tmp_path: Path
) -> None:
    letter = hand_typed(tmp_path / "go-tay.docx")
    _page(browser, server + "/kiem-tra", "files")
    browser.by_id("files").set_files(letter)
    browser.by_id("check-button").click()
    browser.wait(lambda: browser.find("section.result"), SLOW, "the findings")
    result = browser.find("section.result")
    assert result is not None
    assert "go-tay.docx" in result.text
    assert len(browser.find_all("section.result li.finding")) >= 3
    headings = [h.text for h in browser.find_all("section.result h3")]
    assert "Khổ giấy và lề" in headings and "Địa danh và thời gian ban hành" in headings
    assert "Lề trái" in result.text and "tháng 4" in result.text


def test_the_compose_form_by_keyboard_alone_in_firefox(server: str, browser: Firefox) -> None:
    _page(browser, server + "/soan", "f-issuer-parent")
    browser.wait(lambda: browser.find("#f-body-0"), WAIT, "the form drawn")
    fields = set(
        browser.js(
            "() => Array.from(document.querySelectorAll("
            "'#letter-form input, #letter-form select, #letter-form textarea'))"
            ".filter(e => e.type !== 'hidden' && (e.offsetWidth || e.offsetHeight)).map(e => e.id)"
        )
    )
    assert len(fields) > 20, fields  # the công văn's form: issuer, số, dates, V/v, Kính gửi, body, signer …
    browser.js("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0) }")
    # the visible label of the focused element: its <label for>, aria-labelledby, or a button's text
    label_of = (
        "() => { const e = document.activeElement; if (!e || e === document.body) return null;"
        " const seen = x => !!(x.offsetWidth || x.offsetHeight);"
        " if (['BUTTON', 'A'].includes(e.tagName)) return [e.id || e.innerText, e.innerText.trim()];"
        ' let t = e.id ? Array.from(document.querySelectorAll(`label[for="${e.id}"]`))'
        ".filter(seen).map(l => l.innerText.trim()) : [];"
        " for (const r of (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)) {"
        " const l = document.getElementById(r); if (l && seen(l)) t.push(l.innerText.trim()); }"
        " return [e.id || e.innerText, t.filter(Boolean).join(' ')]; }"
    )
    reached: list[str] = []
    for _ in range(200):
        browser.keys(TAB)  # to the page, as a person presses it
        now = browser.js(label_of)
        if now is None:
            break
        ident, label = now
        assert label, f"#{ident} has no visible label"
        reached.append(ident)
        if ident == "pdf-button" or (
            ident == "docx-button" and browser.by_id("pdf-button").attr("disabled") is not None
        ):
            break
    assert fields <= set(reached), f"not reached by Tab: {sorted(fields - set(reached))}"


def test_at_125_percent_the_pages_fit_in_firefox(server: str, browser: Firefox) -> None:
    # 125 % of a 1280-pixel screen: 1024 CSS pixels, each 1.25 device pixels
    browser.set_viewport(1024, 800, ratio=1.25)
    for path, ready in [("/soan", "f-issuer-parent"), ("/hang-loat", "file"), ("/kiem-tra", "files")]:
        _page(browser, server + path, ready)
        assert browser.js("() => window.devicePixelRatio") == 1.25
        inner, scroll = browser.js(
            "() => [document.documentElement.clientWidth, document.documentElement.scrollWidth]"
        )
        assert scroll <= inner, f"{path}: {scroll} px wide in a {inner} px window"
        smallest = browser.js(
            "() => Math.min(...Array.from(document.querySelectorAll('label, .hint, button'))"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert smallest >= 12, (path, smallest)
