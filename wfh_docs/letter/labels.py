"""The clerk's names for the letter's fields: one table, used to read spreadsheet headers, to write
the input workbook (`wfhdoc mau-excel`), and to name a field in a message.

Each column of a letter's row has its dotted field name (the JSON key, `issuer.name`), the
Vietnamese label a văn thư would write as a header (`Tên cơ quan ban hành`, the decree's term),
other labels met in real workbooks, a note saying what goes there with an example, and the kind
of cell it takes. Headers are matched without regard to case, spacing, Unicode normal form (NFC
or NFD, as Excel on a Mac writes), a trailing colon or an asterisk marking a required column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..i18n import language
from .other_labels import OTHER_LABELS
from .types import NAMES

Kind = Literal["text", "lines", "date", "number", "choice", "file"]


@dataclass(frozen=True)
class Column:
    field: str  # the dotted field name, as in the JSON data
    label: str  # the Vietnamese header: the decree's term
    note: str  # what goes in the cell, with an example (in Vietnamese: the clerk reads it)
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    width: int = 24  # the column's width in the workbook, in characters


AUTHORITIES = ("KT.", "TM.", "TL.", "TUQ.", "Q.")
URGENCIES = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")

# In the order of the letter, top to bottom (Mẫu 1.5 of Phụ lục III).
COLUMNS: tuple[Column, ...] = (
    Column(
        "key",
        "Mã",
        "Mã riêng của văn bản trong bảng (không bắt buộc), để chạy lại vẫn giữ đúng số đã cấp, ví dụ: SYT-01",
        aliases=("Mã văn bản", "Mã hồ sơ", "Khóa"),
        width=10,
    ),
    Column(
        "type",
        "Loại văn bản",
        "Tên loại văn bản theo Phụ lục III (chọn trong danh sách); để trống là Công văn. Cũng đọc "
        "được chữ viết tắt (QĐ, KH, BC) hoặc gõ không dấu (quyet dinh). Ví dụ: Quyết định",
        kind="choice",
        choices=NAMES,
        aliases=("Tên loại", "Tên loại văn bản", "Loại VB"),
        width=16,
    ),
    Column(
        "issuer.parent",
        "Cơ quan chủ quản",
        "Tên cơ quan, tổ chức chủ quản trực tiếp (ô 2), chữ in hoa; để trống nếu không có. "
        "Ví dụ: UBND TỈNH QUẢNG TRỊ",
        aliases=("Tên cơ quan chủ quản", "Cơ quan cấp trên"),
        width=26,
    ),
    Column(
        "issuer.name",
        "Tên cơ quan ban hành",
        "Tên cơ quan, tổ chức ban hành văn bản (ô 2), chữ in hoa. Tên dài: xuống dòng trong ô "
        "bằng Alt+Enter. Ví dụ: SỞ CÔNG THƯƠNG",
        required=True,
        aliases=("Tên cơ quan", "Cơ quan ban hành", "Đơn vị ban hành"),
        width=28,
    ),
    Column(
        "issuer.short_name",
        "Tên cơ quan trong câu văn",
        "Tên cơ quan viết thường, dùng ở dòng (Kèm theo ...) của phụ lục. Ví dụ: Sở Công Thương",
        aliases=("Tên gọi", "Tên viết thường"),
        width=24,
    ),
    Column(
        "issuer.abbreviation",
        "Chữ viết tắt tên cơ quan",
        "Chữ viết tắt tên cơ quan trong ký hiệu văn bản, không có dấu cách. Ví dụ: SCT",
        required=True,
        aliases=("Viết tắt", "Tên viết tắt", "Ký hiệu cơ quan"),
        width=12,
    ),
    Column(
        "issuer.unit",
        "Đơn vị soạn thảo",
        "Chữ viết tắt tên đơn vị soạn thảo, trong ký hiệu và dòng Lưu. Ví dụ: VP",
        required=True,
        aliases=("Đơn vị chủ trì", "Đơn vị soạn"),
        width=12,
    ),
    Column(
        "issuer.place",
        "Địa danh",
        "Địa danh ở dòng ngày tháng (ô 4). Ví dụ: Quảng Trị",
        required=True,
        aliases=("Nơi ban hành",),
        width=14,
    ),
    Column(
        "issuer.contact",
        "Địa chỉ liên hệ",
        "Địa chỉ, điện thoại, thư điện tử, trang thông tin (ô 13), in cuối trang 1; không bắt buộc",
        kind="lines",
        aliases=("Thông tin liên hệ", "Địa chỉ"),
        width=24,
    ),
    Column(
        "number",
        "Số",
        "Số của văn bản (ô 3), chỉ chữ số; để trống để hệ thống (sổ đăng ký) cấp số. Ví dụ: 451",
        kind="number",
        aliases=("Số văn bản", "Số VB"),
        width=8,
    ),
    Column(
        "date",
        "Ngày ban hành",
        "Ngày, tháng, năm ban hành (ô 4): ngày/tháng/năm. Ví dụ: 08/04/2020",
        kind="date",
        aliases=("Ngày", "Ngày tháng", "Ngày văn bản"),
        width=14,
    ),
    Column(
        "urgency",
        "Độ khẩn",
        "Mức độ khẩn (ô 10b) nếu có: KHẨN, THƯỢNG KHẨN hoặc HỎA TỐC",
        kind="choice",
        choices=URGENCIES,
        aliases=("Mức độ khẩn",),
        width=14,
    ),
    Column(
        "subject",
        "Trích yếu",
        "Trích yếu nội dung (ô 5b): của công văn, in sau V/v; của loại khác, in dưới tên loại "
        "(để trống với giấy giới thiệu, giấy nghỉ phép). Ví dụ: báo cáo tình hình ứng dụng CNTT",
        required=True,
        aliases=("Trích yếu nội dung", "V/v", "Về việc"),
        width=40,
    ),
    Column(
        "recipients",
        "Kính gửi",
        "Nơi nhận ở dòng Kính gửi (ô 9a) của công văn, công điện, báo cáo hoặc tờ trình gửi cấp "
        "trên; nhiều nơi: mỗi nơi một dòng trong ô (Alt+Enter), không gõ dấu gạch đầu dòng. "
        "Ví dụ: Sở Thông tin và Truyền thông",
        kind="lines",
        required=True,
        aliases=("Nơi nhận kính gửi", "Kính gửi:"),
        width=34,
    ),
    Column(
        "issuing_authority",
        "Thẩm quyền ban hành",
        "Quyết định, nghị quyết: thẩm quyền ban hành, in hoa trên các căn cứ; công điện: người gửi "
        "(… điện:). Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ",
        aliases=("Thẩm quyền",),
        width=30,
    ),
    Column(
        "bases",
        "Căn cứ ban hành",
        "Quyết định, nghị quyết: mỗi căn cứ một dòng trong ô (Alt+Enter), không gõ dấu ; ở cuối. "
        "Ví dụ: Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
        kind="lines",
        aliases=("Căn cứ",),
        width=40,
    ),
    Column(
        "proposal",
        "Theo đề nghị của",
        "Quyết định: người đề nghị, in sau “Theo đề nghị của”. Ví dụ: Giám đốc Sở Nội vụ",
        aliases=("Đề nghị của",),
        width=24,
    ),
    Column(
        "body",
        "Nội dung",
        "Nội dung văn bản (ô 6); mỗi dòng trong ô (Alt+Enter) là một đoạn. Ví dụ: Thực hiện Văn "
        "bản số 249/STTTT-CNTT ...",
        kind="lines",
        aliases=("Nội dung văn bản",),
        width=50,
    ),
    Column(
        "body_file",
        "Tệp nội dung",
        "Tên tệp .txt (mỗi dòng một đoạn) hoặc .json nằm cùng thư mục với bảng tính, thay cho cột "
        "Nội dung. Ví dụ: noi-dung-sct.txt",
        kind="file",
        aliases=("File nội dung",),
        width=20,
    ),
    Column(
        "signer.authority",
        "Thẩm quyền ký",
        "KT., TM., TL., TUQ. hoặc Q. (ô 7a); để trống khi người đứng đầu ký",
        kind="choice",
        choices=AUTHORITIES,
        aliases=("Quyền hạn ký", "Hình thức ký"),
        width=12,
    ),
    Column(
        "signer.head_title",
        "Chức vụ người đứng đầu",
        "Sau thẩm quyền ký: chức vụ người đứng đầu, hoặc tên tập thể sau TM. Ví dụ: GIÁM ĐỐC",
        aliases=("Chức vụ thủ trưởng",),
        width=20,
    ),
    Column(
        "signer.deputy_of",
        "Chức vụ người đứng đầu tập thể",
        "Chỉ khi ký TM. và KT.: chức vụ người đứng đầu tập thể. Ví dụ: CHỦ TỊCH",
        width=20,
    ),
    Column(
        "signer.title",
        "Chức vụ người ký",
        "Chức vụ của người ký (ô 7a). Ví dụ: PHÓ GIÁM ĐỐC",
        aliases=("Chức vụ",),
        width=20,
    ),
    Column(
        "signer.other_title",
        "Chức vụ khác",
        "Chức vụ khác của người ký, in trên họ tên (ô 7b), nếu có",
        width=16,
    ),
    Column(
        "signer.name",
        "Người ký",
        "Họ và tên người ký (ô 7b), không ghi học hàm, học vị. Ví dụ: Nguyễn Hữu Hưng",
        required=True,
        aliases=("Họ tên người ký", "Họ và tên người ký"),
        width=22,
    ),
    Column(
        "secretary.name",
        "Thư ký",
        "Biên bản: họ và tên thư ký (người ghi biên bản), ký bên trái. Ví dụ: Trần Thị Lan",
        aliases=("Họ và tên thư ký", "Người ghi biên bản"),
        width=20,
    ),
    Column(
        "cc",
        "Nơi nhận",
        'Nơi nhận khác ngoài "Như trên" (ô 9b), mỗi nơi một dòng (Alt+Enter); wfhdoc tự thêm '
        '"- Như trên;" và "- Lưu: VT, ...". Ví dụ: Lãnh đạo Sở',
        kind="lines",
        aliases=("Nơi nhận khác",),
        width=26,
    ),
    Column(
        "archive.unit",
        "Đơn vị lưu",
        "Đơn vị lưu bản chính trong dòng Lưu, nếu khác đơn vị soạn thảo. Ví dụ: VP",
        aliases=("Đơn vị lưu hồ sơ",),
        width=10,
    ),
    Column(
        "archive.copies",
        "Số bản lưu",
        "Số bản lưu, in trong dòng Lưu: - Lưu: VT, VP (2). Ví dụ: 2",
        kind="number",
        width=8,
    ),
    Column(
        "drafter.initials",
        "Người soạn thảo",
        "Chữ viết tắt tên người soạn thảo (ô 12), in sau dòng Lưu. Ví dụ: PL",
        aliases=("Ký hiệu người soạn thảo",),
        width=10,
    ),
    Column(
        "drafter.copies",
        "Số bản phát hành",
        "Số lượng bản phát hành (ô 12). Ví dụ: 30",
        kind="number",
        width=10,
    ),
    Column(
        "appendices_file",
        "Tệp phụ lục",
        "Tên tệp .json chứa danh sách phụ lục, cùng thư mục với bảng tính",
        kind="file",
        aliases=("File phụ lục",),
        width=20,
    ),
    Column(
        "output_name",
        "Tên tệp",
        "Tên tệp .docx muốn đặt (không bắt buộc); mặc định theo số và ký hiệu",
        aliases=("Tên file", "Tên tệp kết quả"),
        width=18,
    ),
)

BY_FIELD = {c.field: c for c in COLUMNS}


def normalise_header(text: str) -> str:
    """The form headers are compared in: NFC, case folded, spaces collapsed, without a
    trailing colon or required-marking asterisk."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(":*").strip()


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.field, column.label, *column.aliases):
            index.setdefault(normalise_header(name), column.field)
    return index


_INDEX = _index()


def field_for_header(header: str) -> str | None:
    """The field a header names: by its label, an alias, or the dotted field name itself."""
    return _INDEX.get(normalise_header(header))


def label(field: str) -> str:
    """'Tên cơ quan ban hành (issuer.name)': how a message names a field."""
    column = BY_FIELD.get(field)
    return f"{column.label} ({field})" if column else field


_INDEX_PART = re.compile(r"\[(?:\d+|\"[^\"]*\")\]")
_BLOCK = re.compile(r"^(?:body\[\]|appendices\[\]\.content\[\]|attachment\.content\[\])\.")


def field_label(where: str) -> str:
    """The Vietnamese label of the field at a JSON path ('$.signer.name', '$.recipients[2]',
    '$.appendices[0].content[3].table.rows[1][0]') or a dotted field name ('issuer.name');
    "" when the path names no field of the letter."""
    key = _INDEX_PART.sub("[]", where.removeprefix("$").removeprefix("."))
    key = _BLOCK.sub("block.", key)
    column = BY_FIELD.get(key)
    if column is not None:
        return column.label
    return OTHER_LABELS.get(key, "")


def field_name(where: str) -> str:
    """How a message in the current language names a field: 'issuer.name' in English,
    'Tên cơ quan ban hành (issuer.name)' in Vietnamese; a JSON path keeps its '$.' in English
    and shows the field's place without it in Vietnamese."""
    found = field_label(where) if language() == "vi" else ""
    return f"{found} ({where.removeprefix('$.')})" if found else where
