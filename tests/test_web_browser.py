"""wfhdoc web in a real browser: Debian's Chromium driven by Selenium through Debian's chromedriver
(no browser is downloaded), against `python -m wfh_docs web` on a free loopback port.

Every wait is an explicit WebDriverWait with a generous timeout (a loaded 2-core machine runs
LibreOffice slowly); nothing asserts on time. A failing test leaves a screenshot in tests/output/.
WFHDOC_UPDATE_SCREENSHOTS=1 also writes the README's screenshots, docs/images/web-*.png.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from helpers import EXAMPLES, ROOT, require_tool
from web_flows import NEW_LETTER, bad_row_workbook, hand_typed, served

from wfh_docs.check import check_docx

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

OUTPUT = ROOT / "tests" / "output"
IMAGES = ROOT / "docs" / "images"
UPDATE_SCREENSHOTS = os.environ.get("WFHDOC_UPDATE_SCREENSHOTS") == "1"
WAIT = 120  # seconds for a page or a check
SLOW = 400  # seconds for LibreOffice on a loaded machine


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from served(tmp_path_factory.mktemp("web-server"), WAIT)


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[WebDriver]:
    chromium = shutil.which("chromium") or require_tool("chromium")
    chromedriver = shutil.which("chromedriver") or require_tool("chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=vi",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
        },
    )
    # the driver's path given: selenium-manager, which would download a browser, never runs
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    browser.set_page_load_timeout(WAIT)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def browser(driver: WebDriver, downloads: Path, request: pytest.FixtureRequest) -> Iterator[WebDriver]:
    for old in downloads.iterdir():
        old.unlink()
    failed_before = request.session.testsfailed
    yield driver
    if request.session.testsfailed > failed_before:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(OUTPUT / f"{request.node.name}.png"))
        (OUTPUT / f"{request.node.name}.html").write_text(driver.page_source, encoding="utf-8")


def _wait(
    driver: WebDriver, condition: Callable[[WebDriver], Any], timeout: float = WAIT, what: str = ""
) -> Any:
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.25).until(condition)
    except TimeoutException:
        raise AssertionError(f"waited {timeout:.0f} s for {what or condition}") from None


def _downloaded(driver: WebDriver, folder: Path, suffix: str, timeout: float = WAIT) -> Path:
    def done(_: WebDriver) -> Path | None:
        found = [p for p in folder.iterdir() if p.suffix == suffix]
        partial = [p for p in folder.iterdir() if p.suffix == ".crdownload"]
        return found[0] if found and not partial else None

    path: Path = _wait(driver, done, timeout, f"a {suffix} in {folder}")
    return path


def _shot(driver: WebDriver, name: str, height: int = 1000, at: str = "") -> None:
    """A README screenshot (only when asked for): the page from its top, or from the element `at`."""
    if not UPDATE_SCREENSHOTS:
        return
    IMAGES.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, height)
    if at:
        driver.execute_script("document.getElementById(arguments[0]).scrollIntoView()", at)
    else:
        driver.execute_script("window.scrollTo(0, 0)")
    driver.execute_script("document.activeElement && document.activeElement.blur()")
    driver.save_screenshot(str(IMAGES / f"web-{name}.png"))
    driver.set_window_size(1280, 1000)


def _field(driver: WebDriver, ident: str) -> WebElement:
    return driver.find_element(By.ID, ident)


def _type(driver: WebDriver, ident: str, text: str) -> None:
    element = _field(driver, ident)
    element.clear()
    element.send_keys(text)


def _page(driver: WebDriver, url: str, ready: str) -> None:
    driver.get(url)
    _wait(driver, lambda d: d.find_elements(By.ID, ready), what=f"#{ready} on {url}")


# --- compose ----------------------------------------------------------------------------------


def test_a_new_letter_typed_in_the_form_downloads_and_passes_the_checker(
    server: str, browser: WebDriver, downloads: Path
) -> None:
    _page(browser, server + "/soan", "f-issuer-parent")
    _wait(browser, lambda d: d.find_elements(By.ID, "f-recipients-0"), what="the first recipient field")
    for ident, text in NEW_LETTER:
        _type(browser, ident, text)
    Select(_field(browser, "f-signer-authority")).select_by_value("KT.")
    browser.find_element(By.CSS_SELECTOR, '[data-add="recipients"]').click()
    _wait(
        browser,
        lambda d: d.switch_to.active_element.get_attribute("id") == "f-recipients-1",
        what="the new field focused",
    )
    browser.switch_to.active_element.send_keys("Sở Nội vụ tỉnh Quảng Trị")
    browser.find_element(By.CSS_SELECTOR, '[data-add="cc"]').click()
    _wait(browser, lambda d: d.find_elements(By.ID, "f-cc-0"))
    _type(browser, "f-cc-0", "Lãnh đạo Sở")
    status = _field(browser, "check-status")
    _wait(browser, lambda d: "Không có lỗi" in status.text, what="the letter checked without problems")

    _field(browser, "preview-button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#preview[data-done]"), SLOW, "the preview")
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        assert browser.find_elements(By.CSS_SELECTOR, "#pages img")
    _shot(browser, "soan", 1400)
    _shot(browser, "soan-xem-truoc", 1100, at="make-title")

    _field(browser, "docx-button").click()
    docx = _downloaded(browser, downloads, ".docx")
    assert docx.name == "451-SCT-VP.docx"
    document = Document(str(docx))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kính gửi:" in text and "Sở Nội vụ tỉnh Quảng Trị" in text
    assert not [f for f in check_docx(docx.read_bytes()) if f.severity == "error"]
    result = subprocess.run(
        [sys.executable, "-m", "wfh_docs", "check", str(docx)], capture_output=True, text=True, timeout=WAIT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_quyet_dinh_typed_in_the_form_shows_its_own_fields_and_downloads(
    server: str, browser: WebDriver, downloads: Path
) -> None:
    _page(browser, server + "/soan", "f-type")
    _wait(browser, lambda d: d.find_elements(By.ID, "f-recipients-0"), what="the form drawn")
    assert not _field(browser, "f-issuing-authority").is_displayed()  # a công văn has none
    assert _field(browser, "f-recipients-0").is_displayed()
    Select(_field(browser, "f-type")).select_by_value("quyet-dinh")
    _wait(browser, lambda d: _field(d, "f-issuing-authority").is_displayed(), what="the thẩm quyền field")
    assert not _field(browser, "f-recipients-0").is_displayed()  # a quyết định has no Kính gửi
    assert not _field(browser, "f-secretary-name").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="f-subject"]').text == "Trích yếu"
    for ident, text in [
        ("f-issuer-parent", "UBND TỈNH HÀ TĨNH"),
        ("f-issuer-name", "ỦY BAN NHÂN DÂN\nHUYỆN CAN LỘC"),
        ("f-number", "7"),
        ("f-issuer-abbreviation", "UBND"),
        ("f-issuer-unit", "NV"),
        ("f-issuer-place", "Can Lộc"),
        ("f-date", "02/04/2020"),
        ("f-subject", "Về việc thành lập Tổ công tác"),
        ("f-issuing-authority", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN CAN LỘC"),
        ("f-bases-0", "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"),
        ("f-proposal", "Trưởng phòng Nội vụ huyện"),
        ("f-body-0", "Điều 1. Thành lập Tổ công tác hỗ trợ làm việc trực tuyến."),
        ("f-signer-title", "CHỦ TỊCH"),
        ("f-signer-name", "Nguyễn Văn An"),
    ]:
        _type(browser, ident, text)
    assert _field(browser, "number-sample").text == "07/QĐ-UBND"
    # a sao y of it, by the Văn phòng: the copy's fields show once a hình thức sao is chosen
    assert not _field(browser, "f-copy-issuer-name").is_displayed()
    Select(_field(browser, "f-copy-form")).select_by_value("SAO Y")
    _wait(browser, lambda d: _field(d, "f-copy-issuer-name").is_displayed(), what="the copy's fields")
    for ident, text in [
        ("f-copy-issuer-name", "VĂN PHÒNG HĐND VÀ UBND"),
        ("f-copy-issuer-abbreviation", "VP"),
        ("f-copy-issuer-place", "Can Lộc"),
        ("f-copy-number", "5"),
        ("f-copy-date", "03/04/2020"),
        ("f-copy-signer-title", "CHÁNH VĂN PHÒNG"),
        ("f-copy-signer-name", "Trần Thị Bình"),
        ("f-copy-cc", "Các thành viên Tổ công tác\nPhòng Nội vụ"),
    ]:
        _type(browser, ident, text)
    status = _field(browser, "check-status")
    _wait(browser, lambda d: "Không có lỗi" in status.text, what="the quyết định checked without problems")
    _field(browser, "docx-button").click()
    docx = _downloaded(browser, downloads, ".docx")
    assert docx.name == "07-QD-UBND.docx"
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "QUYẾT ĐỊNH\nVề việc thành lập Tổ công tác" in text
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;" in text
    assert "Theo đề nghị của Trưởng phòng Nội vụ huyện." in text and "Kính gửi" not in text
    cells = [c.text for t in Document(str(docx)).tables for row in t.rows for c in row.cells]
    assert "SAO Y" in cells and "Số: 05/SY-VP" in cells
    assert "Nơi nhận:\n- Các thành viên Tổ công tác;\n- Phòng Nội vụ;\n- Lưu: VT." in cells
    Select(_field(browser, "f-copy-form")).select_by_value("")  # the letter itself again
    _wait(browser, lambda d: not _field(d, "f-copy-issuer-name").is_displayed(), what="the copy hidden")
    # a biên bản: the thư ký shown, the căn cứ hidden and not sent
    Select(_field(browser, "f-type")).select_by_value("bien-ban")
    _wait(browser, lambda d: _field(d, "f-secretary-name").is_displayed(), what="the thư ký field")
    assert not _field(browser, "f-bases-0").is_displayed()
    top = _field(browser, "err-top")
    _wait(
        browser,
        lambda d: "biên bản có chữ ký của thư ký" in top.text,
        what="the biên bản asking for its thư ký",
    )
    _type(browser, "f-secretary-name", "Trần Thị Lan")
    _wait(browser, lambda d: "Không có lỗi" in status.text, what="the biên bản checked without problems")


@pytest.mark.parametrize("example", sorted(p.stem for p in EXAMPLES.glob("*.json")))
def test_every_example_of_every_kind_opens_without_problems(
    server: str, browser: WebDriver, example: str
) -> None:
    # what the page sends back for each kind, with the parts it hides left out, passes the check
    _page(browser, server + "/soan", "example")
    Select(_field(browser, "example")).select_by_value(example)
    _field(browser, "use-example").click()
    data = json.loads((EXAMPLES / f"{example}.json").read_text(encoding="utf-8"))
    kind = data.get("type", "")
    _wait(
        browser, lambda d: _field(d, "f-type").get_attribute("value") == ("" if kind == "cong-van" else kind)
    )
    status = _field(browser, "check-status")
    _wait(browser, lambda d: "Không có lỗi" in status.text or "lỗi" in status.text, what="the check")
    assert "Không có lỗi" in status.text, browser.find_element(By.ID, "letter-form").text[:2000]
    if data.get("secretary"):
        assert _field(browser, "f-secretary-name").get_attribute("value") == data["secretary"]["name"]
    if data.get("bases"):
        assert _field(browser, "f-bases-0").get_attribute("value") == data["bases"][0]


def test_a_bad_date_is_shown_beside_its_field(server: str, browser: WebDriver) -> None:
    _page(browser, server + "/soan", "f-date")
    _type(browser, "f-date", "32/13/2020")
    message = _field(browser, "f-date-err")
    _wait(browser, lambda d: "32/13/2020" in message.text, what="the date's message")
    assert "không phải ngày có thật" in message.text  # the library's message, in the page's Vietnamese
    assert _field(browser, "f-date").get_attribute("aria-invalid") == "true"
    # nothing is said about fields the clerk has not reached yet
    assert _field(browser, "f-signer-name-err").text == ""
    _type(browser, "f-date", "08/04/2020")
    _wait(browser, lambda d: message.text == "", what="the message to go")


def test_an_example_opens_saves_and_opens_again(server: str, browser: WebDriver, downloads: Path) -> None:
    _page(browser, server + "/soan", "example")
    Select(_field(browser, "example")).select_by_value("cong-van-hai-phu-luc")
    _field(browser, "use-example").click()
    _wait(browser, lambda d: _field(d, "f-issuer-name").get_attribute("value") == "SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    _wait(browser, lambda d: d.find_elements(By.ID, "f-appendices-1-title"), what="the second phụ lục")
    editor = browser.find_elements(By.CSS_SELECTOR, ".table-editor")[0]
    rows = len(editor.find_elements(By.CSS_SELECTOR, "tbody tr"))
    _wait(browser, lambda d: "Không có lỗi" in _field(d, "check-status").text)
    editor.find_element(By.XPATH, ".//button[text()='Thêm dòng']").click()
    editor = browser.find_elements(By.CSS_SELECTOR, ".table-editor")[0]
    assert len(editor.find_elements(By.CSS_SELECTOR, "tbody tr")) == rows + 1
    editor.find_element(By.XPATH, ".//button[text()='Xóa dòng cuối']").click()
    _wait(browser, lambda d: "Không có lỗi" in _field(d, "check-status").text)

    # saved as a file, and opened again into a new form
    _field(browser, "save-json").click()
    saved = _downloaded(browser, downloads, ".json")
    letter = json.loads(saved.read_text(encoding="utf-8"))
    original = json.loads((EXAMPLES / "cong-van-hai-phu-luc.json").read_text(encoding="utf-8"))
    assert letter["appendices"] == original["appendices"] and letter["body"] == original["body"]
    _field(browser, "new-letter").click()
    _wait(browser, lambda d: _field(d, "f-issuer-name").get_attribute("value") == "")
    _field(browser, "open-file").send_keys(str(saved))
    _wait(browser, lambda d: _field(d, "f-issuer-name").get_attribute("value") == "SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    assert saved.name in _field(browser, "open-status").text
    _wait(browser, lambda d: "Không có lỗi" in _field(d, "check-status").text)


# --- batch ------------------------------------------------------------------------------------


def test_a_workbook_with_a_bad_row(server: str, browser: WebDriver, downloads: Path, tmp_path: Path) -> None:
    book = bad_row_workbook(tmp_path)
    _page(browser, server + "/hang-loat", "file")
    _field(browser, "file").send_keys(str(book))
    _field(browser, "start-batch").click()
    _wait(browser, lambda d: _field(d, "job-download").is_displayed(), SLOW, "the batch to finish")
    rows = browser.find_elements(By.CSS_SELECTOR, "#job-rows tr")
    assert len(rows) == 1
    assert "dòng 7" in rows[0].text and "bao-cao-mot-dong-sai.xlsx" in rows[0].text  # the server speaks vi
    assert "26" in _field(browser, "job-summary").text
    _shot(browser, "hang-loat", 1000)
    _field(browser, "job-zip").click()
    archive = _downloaded(browser, downloads, ".zip")
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        csv = zf.read("manifest.csv").decode("utf-8-sig")
    rows_ = manifest if isinstance(manifest, list) else manifest.get("rows", manifest.get("records"))
    failed = [r for r in rows_ if r["status"] == "failed"]
    assert len(failed) == 1 and "dòng 7" in json.dumps(failed[0], ensure_ascii=False)
    assert "lỗi" in csv  # the CSV is the clerk's, in Vietnamese


# --- check ------------------------------------------------------------------------------------


def test_a_hand_typed_letter_and_its_findings(server: str, browser: WebDriver, tmp_path: Path) -> None:
    letter = hand_typed(tmp_path / "go-tay.docx")
    _page(browser, server + "/kiem-tra", "files")
    _field(browser, "files").send_keys(str(letter))
    _field(browser, "check-button").click()
    _wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "section.result"), SLOW, "the findings")
    result = browser.find_element(By.CSS_SELECTOR, "section.result")
    assert "go-tay.docx" in result.text
    findings = result.find_elements(By.CSS_SELECTOR, "li.finding")
    assert len(findings) >= 3
    headings = [h.text for h in result.find_elements(By.TAG_NAME, "h3")]
    assert "Khổ giấy và lề" in headings and "Địa danh và thời gian ban hành" in headings
    assert "Lề trái" in result.text and "tháng 4" in result.text  # the checker's words, in Vietnamese
    if shutil.which("soffice") and shutil.which("pdftoppm"):
        assert result.find_elements(By.CSS_SELECTOR, ".pages img")
    _shot(browser, "kiem-tra", 1400)


# --- register and signing pages (for the README), the keyboard ----------------------------------


def test_the_register_lists_the_numbers(server: str, browser: WebDriver) -> None:
    _page(browser, server + "/so-dang-ky", "year")
    assert "Sổ đăng ký văn bản đi" in browser.find_element(By.TAG_NAME, "h1").text
    if browser.find_elements(By.CSS_SELECTOR, "table.register tbody tr"):  # after the batch test
        Select(_field(browser, "agency")).select_by_index(1)
        browser.find_element(By.CSS_SELECTOR, "form.row button").click()
        _wait(browser, lambda d: "agency=" in d.current_url)
        assert len(browser.find_elements(By.CSS_SELECTOR, "table.register tbody tr")) >= 1
        Select(_field(browser, "agency")).select_by_index(0)
        browser.find_element(By.CSS_SELECTOR, "form.row button").click()
        _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "table.register tbody tr")) == 26)
    _shot(browser, "so-dang-ky", 900)
    _page(browser, server + "/ky-so", "main")
    _shot(browser, "ky-so", 700)


def _has_visible_label(driver: WebDriver, element: WebElement) -> str:
    ident = element.get_attribute("id") or ""
    tag = element.tag_name.lower()
    if tag in ("button", "a"):
        return element.text.strip()
    texts = []
    if ident:
        texts += [
            lab.text.strip()
            for lab in driver.find_elements(By.CSS_SELECTOR, f'label[for="{ident}"]')
            if lab.is_displayed()
        ]
    for ref in (element.get_attribute("aria-labelledby") or "").split():
        found = driver.find_elements(By.ID, ref)
        texts += [f.text.strip() for f in found if f.is_displayed()]
    return " ".join(t for t in texts if t)


def test_the_compose_form_by_keyboard_alone(server: str, browser: WebDriver) -> None:
    _page(browser, server + "/soan", "f-issuer-parent")
    _wait(browser, lambda d: d.find_elements(By.ID, "f-body-0"))
    fields = {
        e.get_attribute("id")
        for e in browser.find_elements(
            By.CSS_SELECTOR, "#letter-form input, #letter-form select, #letter-form textarea"
        )
        if e.get_attribute("type") != "hidden" and e.is_displayed()  # a công văn's: no căn cứ, no thư ký
    }
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    reached: list[str] = []
    body = browser.find_element(By.TAG_NAME, "body")
    keys = ActionChains(browser)
    for _ in range(200):
        keys.send_keys(Keys.TAB).perform()  # to the page, as a person presses it
        active = browser.switch_to.active_element
        if active == body:
            break
        ident = active.get_attribute("id") or active.text
        assert _has_visible_label(browser, active), f"{active.tag_name}#{ident} has no visible label"
        reached.append(ident)
        if ident == "pdf-button" or (
            ident == "docx-button" and not _field(browser, "pdf-button").is_enabled()
        ):
            break
    assert fields <= set(reached), f"not reached by Tab: {sorted(fields - set(reached))}"
    # a list grows from the keyboard too, and the new field takes the focus
    add = browser.find_element(By.CSS_SELECTOR, '[data-add="recipients"]')
    browser.execute_script("arguments[0].focus()", add)
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    _wait(browser, lambda d: d.switch_to.active_element.get_attribute("id") == "f-recipients-1")
    label = _has_visible_label(browser, browser.switch_to.active_element)
    assert label == "Kính gửi 2"


def test_zoomed_to_125_percent_nothing_overflows(server: str, browser: WebDriver) -> None:
    # 125 % of a 1280-pixel window leaves 1024 CSS pixels: the pages must fit without scrolling sideways
    try:
        for path, ready in [("/soan", "f-issuer-parent"), ("/hang-loat", "file"), ("/kiem-tra", "files")]:
            browser.set_window_size(1024, 900)
            _page(browser, server + path, ready)
            inner = browser.execute_script("return document.documentElement.clientWidth")
            scroll = browser.execute_script("return document.documentElement.scrollWidth")
            assert scroll <= inner, f"{path}: {scroll} px wide in a {inner} px window"
    finally:
        browser.set_window_size(1280, 1000)


def test_at_125_percent_display_scaling_a_letter_with_tables_fits(server: str, browser: WebDriver) -> None:
    # Windows' 125 % display scaling on a 1280-pixel screen: 1024 CSS pixels, each 1.25 device pixels
    metrics = {"width": 1024, "height": 800, "deviceScaleFactor": 1.25, "mobile": False}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        _page(browser, server + "/soan", "example")
        assert browser.execute_script("return window.devicePixelRatio") == 1.25
        Select(_field(browser, "example")).select_by_value("cong-van-hai-phu-luc")
        _field(browser, "use-example").click()
        _wait(browser, lambda d: d.find_elements(By.ID, "f-appendices-1-title"), what="the second phụ lục")
        inner = browser.execute_script("return document.documentElement.clientWidth")
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert 990 <= inner <= 1024 and scroll <= inner, (
            f"{scroll} px wide in a {inner} px window"
        )  # less its scrollbar
        # every label and hint stays at a readable size (no text shrunk to make it fit)
        smallest = browser.execute_script(
            "return Math.min(...Array.from(document.querySelectorAll('label, .hint, button'))"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))"
        )
        assert smallest >= 12, smallest
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_pages_by_keyboard_skip_link_and_menu(server: str, browser: WebDriver) -> None:
    _page(browser, server + "/kiem-tra", "files")
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    ActionChains(browser).send_keys(Keys.TAB).perform()
    skip = browser.switch_to.active_element
    assert skip.get_attribute("class") == "skip" and skip.is_displayed()  # shown when it has the focus
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    _wait(
        browser, lambda d: d.switch_to.active_element.get_attribute("id") == "main", what="the focus on main"
    )
    # the menu is reached by Tab and followed by Enter, to the page marked as current
    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    for _ in range(10):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        if (browser.switch_to.active_element.get_attribute("href") or "").endswith("/so-dang-ky"):
            break
    assert (browser.switch_to.active_element.get_attribute("href") or "").endswith("/so-dang-ky")
    ActionChains(browser).send_keys(Keys.ENTER).perform()
    _wait(browser, lambda d: d.current_url.endswith("/so-dang-ky"), what="the register page")
    current = browser.find_element(By.CSS_SELECTOR, 'nav [aria-current="page"]')
    assert (current.get_attribute("href") or "").endswith("/so-dang-ky")


def test_the_pages_work_in_english(server: str, browser: WebDriver) -> None:
    _page(browser, server + "/kiem-tra?lang=en", "files")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Check a letter"
    _page(browser, server + "/kiem-tra?lang=vi", "files")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kiểm tra văn bản"
