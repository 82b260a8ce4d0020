"""The rule table: every rule the checker applies, with its severity, part and clause of the decree.

One line per rule id a finding can carry. The checks find their severity, part and clause here
(`rule(id)`), so a finding always agrees with the table, and docs/check-rules.md is generated from
it (tools/make_docs.py; a test compares). Clauses are those of Nghị định 30/2020/NĐ-CP: "Phụ lục I"
is its appendix on the format of administrative documents, "Phụ lục III" its models (Mẫu 1.5 is the
công văn). A rule the decree states strictly is an error; one it shows only in its models, or
where a letter may have its reason, a warning.
"""

from __future__ import annotations

from .finding import ERROR, WARNING, Rule

_I = "Phụ lục I"
PAGE_SIZE = f"Mục I.1 {_I}"
MARGINS = f"Mục I.3 {_I}"
FONT = f"Mục I.4 {_I}"
PAGE_NUMBERS = f"Mục I.7 {_I}"
QUOC_HIEU = f"Mục II.1.a {_I}"
TIEU_NGU = f"Mục II.1.b {_I}"
AGENCY = f"Mục II.2.b {_I}"
NUMBER = f"Mục II.3.c {_I}"
DATE_DIGITS = f"Mục II.4.b {_I}"
DATE_LINE = f"Mục II.4.c {_I}"
BODY = f"Mục II.6.e {_I}"
SIGNER = f"Mục II.7.đ {_I}"
RECIPIENTS = f"Mục II.9.b {_I}"
RECIPIENT_LINES = f"Mục II.9.d {_I}"
TEMPLATE = "Mẫu (template)"

# one rule to two lines: the table reads as a table
# fmt: off
RULES: tuple[Rule, ...] = (
    # --- the page and the text (page.py) ---
    Rule("page.size", ERROR, "Khổ giấy", "page", PAGE_SIZE,
         "khổ A4 (210 x 297 mm), ở mọi phần (section) của tệp"),
    Rule("page.margins", ERROR, "Định lề trang", "page", MARGINS,
         "lề trên và dưới 20-25 mm, trái 30-35 mm, phải 15-20 mm, ở mọi phần (section) của tệp"),
    Rule("font.name", ERROR, "Phông chữ", "font", FONT,
         "chữ Times New Roman, kể cả phông lấy từ kiểu (style) và chủ đề (theme)"),
    Rule("font.color", WARNING, "Phông chữ", "font", FONT,
         "chữ màu đen (trừ dấu chỉ mức độ khẩn)"),
    Rule("text.nfc", ERROR, "Bộ mã ký tự", "text", FONT,
         "chữ Unicode dựng sẵn (NFC) theo TCVN 6909:2001, không dấu tổ hợp rời"),
    Rule("text.control", ERROR, "Bộ mã ký tự", "text", FONT,
         "không có ký tự điều khiển (Word có thể không mở được tệp)"),
    Rule("template.tags", ERROR, "Văn bản", "text", "",
         "không còn sót thẻ của mẫu ({{ ... }}, {% ... %})"),
    Rule("file.damaged", ERROR, "Tệp văn bản", "file", "",
         "các phần của tệp .docx (kiểu, chủ đề, đầu trang, chân trang) đọc được trọn vẹn"),
    # --- the header (header.py) ---
    Rule("quoc_hieu.missing", ERROR, "Quốc hiệu", "Quốc hiệu", "Điều 8.2.a",
         "có Quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”"),
    Rule("quoc_hieu.format", ERROR, "Quốc hiệu", "Quốc hiệu", QUOC_HIEU,
         "chữ in hoa, đậm, cỡ 12-13"),
    Rule("tieu_ngu.missing", ERROR, "Tiêu ngữ", "Tiêu ngữ", "Điều 8.2.a",
         "có Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”"),
    Rule("tieu_ngu.text", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "giữa các cụm từ có gạch nối (-) và cách chữ"),
    Rule("tieu_ngu.format", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "chữ đậm, cỡ 13-14"),
    Rule("tieu_ngu.rule", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "có đường kẻ ngang nét liền dưới Tiêu ngữ"),
    Rule("tieu_ngu.rule_typed", WARNING, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "đường kẻ là nét kẻ thật, không gõ bằng dấu gạch dưới"),
    Rule("tieu_ngu.rule_length", WARNING, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "đường kẻ dài bằng dòng chữ Tiêu ngữ"),
    Rule("agency.format", ERROR, "Tên cơ quan ban hành", "tên cơ quan ban hành", AGENCY,
         "chữ in hoa, đậm, cỡ 12-13"),
    Rule("agency.parent_format", ERROR, "Tên cơ quan chủ quản", "tên cơ quan chủ quản", AGENCY,
         "cỡ chữ 12-13"),
    Rule("agency.rule", ERROR, "Tên cơ quan ban hành", "agency name", AGENCY,
         "có đường kẻ ngang nét liền dưới tên cơ quan ban hành"),
    Rule("agency.rule_typed", WARNING, "Tên cơ quan ban hành", "agency name", AGENCY,
         "đường kẻ là nét kẻ thật, không gõ bằng dấu gạch dưới"),
    Rule("agency.rule_length", WARNING, "Tên cơ quan ban hành", "agency name", AGENCY,
         "đường kẻ dài từ 1/3 đến 1/2 dòng chữ"),
    Rule("number.format", ERROR, "Số, ký hiệu", "Số, ký hiệu", NUMBER,
         "dấu hai chấm sau “Số”, số nhỏ hơn 10 có số 0 phía trước, không cách chữ quanh “/” và “-”"),
    Rule("number.size", WARNING, "Số, ký hiệu", "Số, ký hiệu", NUMBER,
         "cỡ chữ 13"),
    Rule("date.format", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_DIGITS,
         "ngày nhỏ hơn 10 và tháng 1, 2 có số 0 phía trước; các tháng khác không"),
    Rule("date.comma", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_LINE,
         "dấu phẩy sau địa danh"),
    Rule("date.style", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_LINE,
         "chữ nghiêng, cỡ 13-14"),
    # --- Kính gửi and the body (body.py) ---
    Rule("kinh_gui.format", ERROR, "Kính gửi", "Kính gửi", RECIPIENT_LINES,
         "dấu hai chấm sau “Kính gửi”, cỡ chữ 13-14; gửi nhiều nơi: mỗi nơi một dòng “- ...;”, dòng cuối "
         "có dấu chấm"),
    Rule("body.alignment", ERROR, "Nội dung", "body", BODY,
         "canh đều hai lề"),
    Rule("body.indent", WARNING, "Nội dung", "body", BODY,
         "dòng đầu đoạn lùi vào 1 cm hoặc 1,27 cm"),
    Rule("body.size", ERROR, "Nội dung", "body", BODY,
         "cỡ chữ 13-14"),
    Rule("body.line_spacing", ERROR, "Nội dung", "body", BODY,
         "khoảng cách dòng từ dòng đơn đến 1,5 dòng"),
    Rule("body.spacing", ERROR, "Nội dung", "body", BODY,
         "các đoạn văn cách nhau tối thiểu 6 pt"),
    Rule("body.closing", WARNING, "Nội dung", "body", "Mẫu 1.5 Phụ lục III",
         "nội dung kết thúc bằng “./.”"),
    # --- the signature and Nơi nhận (signature.py) ---
    Rule("authority.format", ERROR, "Quyền hạn, chức vụ người ký", "quyền hạn, chức vụ", SIGNER,
         "chữ in hoa, đậm, cỡ 13-14; cách một khoảng sau “KT.”, “TM.”, “TL.”, “TUQ.”, “Q.”"),
    Rule("signer.format", ERROR, "Họ tên người ký", "họ tên người ký", SIGNER,
         "chữ đậm, cỡ 13-14"),
    Rule("noi_nhan.heading", ERROR, "Nơi nhận", "Nơi nhận", RECIPIENT_LINES,
         "“Nơi nhận:” có dấu hai chấm, chữ nghiêng, đậm, cỡ 12"),
    Rule("noi_nhan.list", ERROR, "Nơi nhận", "Nơi nhận", RECIPIENT_LINES,
         "mỗi nơi một dòng “- ...;”, cỡ chữ 11; dòng cuối “- Lưu: VT, <đơn vị soạn thảo>.”"),
    Rule("noi_nhan.nhu_tren", WARNING, "Nơi nhận", "Nơi nhận", RECIPIENTS,
         "công văn ghi “- Như trên;” đầu tiên"),
    # --- page numbers and phụ lục (appendix.py) ---
    Rule("page_number.missing", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "văn bản nhiều trang có đánh số trang"),
    Rule("page_number.place", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "số trang ở phần lề trên (đầu trang), canh giữa"),
    Rule("page_number.first_page", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "không hiển thị số trang thứ nhất"),
    Rule("appendix.numbering", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.a Phụ lục I",
         "từ hai phụ lục trở lên đánh số bằng chữ số La Mã"),
    Rule("appendix.new_page", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.đ Phụ lục I",
         "mỗi phụ lục bắt đầu một trang mới, số trang đánh riêng"),
    Rule("appendix.format", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.b Phụ lục I",
         "dòng “Phụ lục” chữ đậm, cỡ 14"),
    Rule("appendix.title", ERROR, "Tên phụ lục", "tên phụ lục", "Mục III.1.b Phụ lục I",
         "tên phụ lục chữ in hoa, đậm"),
    Rule("appendix.kem_theo", ERROR, "Thông tin chỉ dẫn kèm theo", "Phụ lục", "Mục III.1.c Phụ lục I",
         "dòng “(Kèm theo ...)” chữ nghiêng"),
    # --- templates (template.py): what `wfhdoc check --template` reports ---
    Rule("template.file", ERROR, TEMPLATE, "template", "",
         "tệp mẫu là tệp .docx đọc được"),
    Rule("template.encoding", ERROR, TEMPLATE, "template", "",
         "các phần của mẫu là văn bản UTF-8"),
    Rule("template.broken_tag", ERROR, TEMPLATE, "template", "",
         "mỗi thẻ đóng lại trong đoạn văn của nó"),
    Rule("template.split_tag", WARNING, TEMPLATE, "template", "",
         "Word không tách một thẻ ra nhiều đoạn chữ (run)"),
    Rule("template.syntax", ERROR, TEMPLATE, "template", "",
         "thẻ docxtpl/Jinja viết đúng cú pháp"),
    Rule("template.unsafe", ERROR, TEMPLATE, "template", "",
         "thẻ không dùng phần bên trong của Python (hộp cát của mẫu từ chối)"),
    Rule("template.unknown_variable", ERROR, TEMPLATE, "template", "",
         "mỗi biến là biến wfhdoc cung cấp"),
    Rule("template.unused_variable", ERROR, TEMPLATE, "template", "",
         "mẫu dùng mọi biến mang dữ liệu của văn bản"),
)
# fmt: on

_BY_ID = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    """The table's line for a rule id (a KeyError is a bug: a check emitting an id not listed)."""
    return _BY_ID[rule_id]
