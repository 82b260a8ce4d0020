"""The kinds of administrative document of ND 30 (Điều 7) that wfhdoc makes, each with its Mẫu of
Phụ lục III, its tên loại as printed, and the abbreviation of Phụ lục III, Mục I that opens its
ký hiệu ("QĐ-UBND", "KH-SCT"); a công văn's ký hiệu is the agency's and the drafting unit's.

`layout` says which parts of the form a kind has:
- "cong-van": Mẫu 1.5, "V/v" under the number, Kính gửi;
- "named": Mẫu 1.4, tên loại and trích yếu in bold with the rule under them (Kính gửi when a
  báo cáo or tờ trình goes to a superior, Phụ lục I, II.9);
- "decision": Mẫu 1.1-1.3, then the thẩm quyền ban hành, the căn cứ in italics and
  "QUYẾT ĐỊNH:" / "QUYẾT NGHỊ:" before the articles;
- "telegram": Mẫu 1.6, "<who> điện:" and the recipients under the title;
- "minutes": Mẫu 1.9, no place-date line, two signers (THƯ KÝ, CHỦ TỌA), Nơi nhận under them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Layout = Literal["cong-van", "named", "decision", "telegram", "minutes"]


@dataclass(frozen=True)
class DocType:
    id: str  # the data's "type"
    mau: str  # the form of Phụ lục III, Mục II
    name: str  # tên loại, printed in capitals ("" for a công văn)
    abbreviation: str  # Phụ lục III, Mục I ("" for a công văn)
    layout: Layout = "named"
    has_subject: bool = True  # a trích yếu under the tên loại
    command: str = ""  # "QUYẾT ĐỊNH:" before the articles of a decision
    aliases: tuple[str, ...] = ()  # other names a clerk writes for it

    @property
    def title_case(self) -> str:
        """The tên loại as running text names it: "Quyết định", "Kế hoạch"."""
        return self.name[:1] + self.name[1:].lower() if self.name else "Công văn"


_ALL = (
    DocType("cong-van", "1.5", "", "", "cong-van"),
    DocType("nghi-quyet", "1.1", "NGHỊ QUYẾT", "NQ", "decision", command="QUYẾT NGHỊ:"),
    DocType("quyet-dinh", "1.2", "QUYẾT ĐỊNH", "QĐ", "decision", command="QUYẾT ĐỊNH:"),
    DocType("chi-thi", "1.4", "CHỈ THỊ", "CT"),
    DocType("quy-che", "1.4", "QUY CHẾ", "QC"),
    DocType("quy-dinh", "1.4", "QUY ĐỊNH", "QyĐ"),
    DocType("thong-cao", "1.4", "THÔNG CÁO", "TC"),
    DocType("thong-bao", "1.4", "THÔNG BÁO", "TB"),
    DocType("huong-dan", "1.4", "HƯỚNG DẪN", "HD"),
    DocType("chuong-trinh", "1.4", "CHƯƠNG TRÌNH", "CTr"),
    DocType("ke-hoach", "1.4", "KẾ HOẠCH", "KH"),
    DocType("phuong-an", "1.4", "PHƯƠNG ÁN", "PA"),
    DocType("de-an", "1.4", "ĐỀ ÁN", "ĐA"),
    DocType("du-an", "1.4", "DỰ ÁN", "DA"),
    DocType("bao-cao", "1.4", "BÁO CÁO", "BC"),
    DocType("to-trinh", "1.4", "TỜ TRÌNH", "TTr"),
    DocType("giay-uy-quyen", "1.4", "GIẤY ỦY QUYỀN", "GUQ"),
    DocType("phieu-gui", "1.4", "PHIẾU GỬI", "PG"),
    DocType("phieu-chuyen", "1.4", "PHIẾU CHUYỂN", "PC"),
    DocType("phieu-bao", "1.4", "PHIẾU BÁO", "PB"),
    DocType("cong-dien", "1.6", "CÔNG ĐIỆN", "CĐ", "telegram"),
    DocType("giay-moi", "1.7", "GIẤY MỜI", "GM"),
    DocType("giay-gioi-thieu", "1.8", "GIẤY GIỚI THIỆU", "GGT", has_subject=False),
    DocType("bien-ban", "1.9", "BIÊN BẢN", "BB", "minutes", aliases=("Biên bản họp",)),
    DocType("giay-nghi-phep", "1.10", "GIẤY NGHỈ PHÉP", "GNP", has_subject=False),
)
TYPES: dict[str, DocType] = {t.id: t for t in _ALL}

TypeId = Literal[
    "cong-van",
    "nghi-quyet",
    "quyet-dinh",
    "chi-thi",
    "quy-che",
    "quy-dinh",
    "thong-cao",
    "thong-bao",
    "huong-dan",
    "chuong-trinh",
    "ke-hoach",
    "phuong-an",
    "de-an",
    "du-an",
    "bao-cao",
    "to-trinh",
    "giay-uy-quyen",
    "phieu-gui",
    "phieu-chuyen",
    "phieu-bao",
    "cong-dien",
    "giay-moi",
    "giay-gioi-thieu",
    "bien-ban",
    "giay-nghi-phep",
]


def _plain(text: str) -> str:
    """Compared without case, spacing, hyphens or diacritics: 'Quyết  định', 'quyet-dinh'."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("-", " ").replace("_", " ").split())


def _exact(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _indexes() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    plain: dict[str, str] = {}
    for t in _ALL:
        names = (t.id, t.title_case, t.name or "CÔNG VĂN", *t.aliases)
        for name in (*names, t.abbreviation or "CV", f"Mẫu {t.mau}" if t.mau != "1.4" else ""):
            if name:
                exact.setdefault(_exact(name), t.id)
        for name in names:  # not the abbreviations: 'ĐA' and 'DA' differ by a diacritic only
            plain.setdefault(_plain(name), t.id)
    return exact, plain


_EXACT, _PLAIN = _indexes()
# what a clerk picks in the workbook's list and the browser's select: the tên loại as running
# text writes it, in the order of Phụ lục III
NAMES: tuple[str, ...] = tuple(t.title_case for t in _ALL)


def type_id(text: str) -> str | None:
    """The kind a clerk's word names: its id ('quyet-dinh'), its name ('Quyết định', 'QUYẾT
    ĐỊNH', 'quyet dinh' typed without diacritics), its abbreviation ('QĐ') or its Mẫu ('Mẫu
    1.2'); None when it names none."""
    return _EXACT.get(_exact(text)) or _PLAIN.get(_plain(text))
