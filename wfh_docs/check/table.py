"""The rule table: every rule the checker applies, with its severity, part and clause of the decree.

One line per rule id a finding can carry. The checks find their severity, part and clause here
(`rule(id)`), so a finding always agrees with the table, and docs/check-rules.md is generated from
it (tools/make_docs.py; a test compares). Clauses are those of Nghị định 30/2020/NĐ-CP: "Phụ lục I"
is its appendix on the format of administrative documents, "Phụ lục III" its models (Mẫu 1.5 is the
công văn).

How a severity is chosen, the same way for every rule (each line says why in its last field):
- an error for what the decree prescribes in its text: the components Điều 8.2 lists ("bao gồm"),
  and each form Phụ lục I states ("được trình bày bằng chữ ... cỡ chữ ... kiểu chữ ...", "phải",
  "có"); Phụ lục I writes its whole format this way, with no "nên" anywhere;
- a warning for what only the models of Phụ lục III show (the closing "./."), for what the
  decree itself leaves room for (the blank before "/" where the number is written in after
  signing, Điều 15.2), and for lengths the checker can only estimate from the file (a line's
  length in print depends on the reader's layout).
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
SUBJECT = f"Mục II.5.b {_I}"
BASES = f"Mục II.6.a {_I}"
ARTICLES = f"Mục II.6.đ {_I}"
BODY = f"Mục II.6.e {_I}"
SIGNER = f"Mục II.7.đ {_I}"
RECIPIENTS = f"Mục II.9.b {_I}"
RECIPIENT_LINES = f"Mục II.9.d {_I}"
COPY = f"Mục II.3 Phần II {_I}"  # the bản sao's own sơ đồ (ô 1-7), on paper
COPY_MAU = "Mẫu 3.1 Phụ lục III"
TEMPLATE = "Mẫu (template)"

# what an error's "why" says most often: the clause's own words are the rule
_TEXT = "Phụ lục I quy định bằng lời (“được trình bày bằng ...”), không có ngoại lệ"
_PART = "Điều 8.2 liệt kê thành phần này trong thể thức bắt buộc của văn bản hành chính"
_ESTIMATE = (
    "độ dài đo từ tệp (viền đoạn, hình vẽ, số ký tự), không phải từ bản in; tệp mẫu của Nghị định "
    "cũng kẻ dài ngắn khác nhau"
)
# what a reader sees as capitals: typed so, w:caps, or w:smallCaps (lower-case letters drawn as
# capitals a little smaller): the decree's "chữ in hoa" is the letters' form on the page
_CAPS = (
    "; chữ in hoa là chữ người đọc thấy in hoa: gõ hoa, định dạng All caps (w:caps) hay Small caps "
    "(w:smallCaps: chữ thường hiện thành chữ hoa nhỏ hơn một chút, người đọc vẫn đọc là chữ in hoa)"
)
# what only a Mẫu of Phụ lục III shows
_MAU = "chỉ các Mẫu của Phụ lục III trình bày như vậy; Phụ lục I không quy định bằng lời"
_NOT_DECREE = "không phải quy định của Nghị định: tệp hay mẫu như vậy không tạo được văn bản đúng"

# one rule to two lines: the table reads as a table
# fmt: off
RULES: tuple[Rule, ...] = (
    # --- the page and the text (page.py) ---
    Rule("page.size", ERROR, "Khổ giấy", "page", PAGE_SIZE,
         "khổ A4 (210 x 297 mm), ở mọi phần (section) của tệp", _TEXT),
    Rule("page.margins", ERROR, "Định lề trang", "page", MARGINS,
         "lề trên và dưới 20-25 mm, trái 30-35 mm, phải 15-20 mm, ở mọi phần (section) của tệp", _TEXT),
    Rule("font.name", ERROR, "Phông chữ", "font", FONT,
         "chữ Times New Roman, kể cả phông lấy từ kiểu (style) và chủ đề (theme)", _TEXT),
    Rule("font.color", ERROR, "Phông chữ", "font", FONT,
         "chữ màu đen (trừ dấu chỉ mức độ khẩn)",
         "cùng một câu với phông chữ ở Mục I.4 (“... Times New Roman, ..., màu đen”); chỉ dấu mức độ khẩn "
         "được quy định màu đỏ (Mục III.2.b)"),
    Rule("text.nfc", ERROR, "Bộ mã ký tự", "text", FONT,
         "chữ Unicode dựng sẵn (NFC) theo TCVN 6909:2001, không dấu tổ hợp rời",
         "Mục I.4 quy định bộ mã ký tự Unicode theo TCVN 6909:2001"),
    Rule("text.control", ERROR, "Bộ mã ký tự", "text", FONT,
         "không có ký tự điều khiển (Word có thể không mở được tệp)",
         "ký tự điều khiển không thuộc bộ mã của Mục I.4, và Word có thể không mở được tệp"),
    Rule("template.tags", ERROR, "Văn bản", "text", "",
         "không còn sót thẻ của mẫu ({{ ... }}, {% ... %})",
         "thẻ sót lại là chữ không thuộc văn bản, người nhận sẽ đọc thấy"),
    Rule("file.damaged", ERROR, "Tệp văn bản", "file", "",
         "các phần của tệp .docx (kiểu, chủ đề, đầu trang, chân trang) đọc được trọn vẹn",
         "phần hỏng không đọc được trọn vẹn thì không kiểm tra được, và Word có thể hiện khác"),
    # --- the header (header.py) ---
    Rule("quoc_hieu.missing", ERROR, "Quốc hiệu", "Quốc hiệu", "Điều 8.2.a",
         "có Quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM”", _PART),
    Rule("quoc_hieu.format", ERROR, "Quốc hiệu", "Quốc hiệu", QUOC_HIEU,
         "chữ in hoa, kiểu chữ đứng, đậm, cỡ 12-13", _TEXT + _CAPS),
    Rule("tieu_ngu.missing", ERROR, "Tiêu ngữ", "Tiêu ngữ", "Điều 8.2.a",
         "có Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”", _PART),
    Rule("tieu_ngu.text", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "giữa các cụm từ có gạch nối và cách chữ hai bên",
         "Mục II.1.b: “giữa các cụm từ có gạch nối (-), có cách chữ”"),
    Rule("tieu_ngu.dash", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "dấu giữa các cụm từ là gạch nối (-), không phải gạch ngang (–, —)",
         "Mục II.1.b gọi tên dấu là “gạch nối (-)” và in dấu -, trong cùng câu quy định chữ đậm và cỡ "
         "chữ; gạch ngang – là dấu khác. Gạch nối không ngắt của Word và U+2010, U+2011 là gạch nối"),
    Rule("tieu_ngu.format", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "chữ in thường, kiểu chữ đứng, đậm, cỡ 13-14", _TEXT),
    Rule("tieu_ngu.rule", ERROR, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "có đường kẻ ngang nét liền dưới Tiêu ngữ: viền đoạn, hình vẽ, gạch chân hay dòng dấu gạch "
         "dưới như tệp của Nghị định",
         "Mục II.1.b: “phía dưới có đường kẻ ngang, nét liền”; cách kẻ không quy định, nên mọi cách kẻ "
         "đều được nhận"),
    Rule("tieu_ngu.rule_length", WARNING, "Tiêu ngữ", "Tiêu ngữ", TIEU_NGU,
         "đường kẻ dài bằng dòng chữ Tiêu ngữ", _ESTIMATE),
    Rule("issuer.missing", ERROR, "Tên cơ quan ban hành", "agency name", "Điều 8.2.b",
         "có tên cơ quan, tổ chức ban hành văn bản (chữ in hoa, phía trên “Số:”)", _PART),
    Rule("issuer.format", ERROR, "Tên cơ quan ban hành", "tên cơ quan ban hành", AGENCY,
         "chữ in hoa, kiểu chữ đứng, đậm, cỡ 12-13", _TEXT + _CAPS),
    Rule("issuer.parent_format", ERROR, "Tên cơ quan chủ quản", "tên cơ quan chủ quản", AGENCY,
         "chữ in hoa, kiểu chữ đứng, không đậm, cỡ 12-13",
         "Mục II.2.b: cơ quan chủ quản “chữ in hoa, cỡ chữ từ 12 đến 13, kiểu chữ đứng”, còn cơ quan ban "
         "hành “kiểu chữ đứng, đậm”: quy định phân biệt hai dòng, nên chữ đậm ở dòng chủ quản là sai"),
    Rule("issuer.rule", ERROR, "Tên cơ quan ban hành", "agency name", AGENCY,
         "có đường kẻ ngang nét liền dưới tên cơ quan ban hành: viền đoạn, hình vẽ, gạch chân hay dòng "
         "dấu gạch dưới như tệp của Nghị định",
         "Mục II.2.b: “phía dưới có đường kẻ ngang, nét liền”; cách kẻ không quy định"),
    Rule("issuer.rule_length", WARNING, "Tên cơ quan ban hành", "agency name", AGENCY,
         "đường kẻ dài từ 1/3 đến 1/2 dòng chữ", _ESTIMATE),
    Rule("number.missing", ERROR, "Số, ký hiệu", "Số, ký hiệu", "Điều 8.2.c",
         "có dòng “Số: .../...” (số để trống khi chờ cấp)", _PART),
    Rule("number.format", ERROR, "Số, ký hiệu", "Số, ký hiệu", NUMBER,
         "dấu hai chấm sau “Số”, số nhỏ hơn 10 có số 0 phía trước, không cách chữ sau “/” và quanh “-”, "
         "kiểu chữ đứng",
         "Mục II.3.c: “sau từ ‘Số’ có dấu hai chấm”, “phải ghi thêm số 0 phía trước”, “không cách chữ”"),
    Rule("number.spacing", WARNING, "Số, ký hiệu", "Số, ký hiệu", NUMBER,
         "không để khoảng trắng giữa số và “/” khi đã có số",
         "Mục II.3.c nói “không cách chữ”, nhưng số được cấp sau khi ký (Điều 15.2) và Mẫu 1.5 in "
         "“Số:   /...” để trống chỗ ghi số: khoảng trắng đó có lý do, chỉ nên xóa khi đã ghi số"),
    Rule("number.size", ERROR, "Số, ký hiệu", "Số, ký hiệu", NUMBER,
         "cỡ chữ 13",
         "Mục II.3.c: “cỡ chữ 13”, trong cùng câu với dấu hai chấm và số 0 phía trước"),
    Rule("date.missing", ERROR, "Địa danh và thời gian ban hành", "date line", "Điều 8.2.d",
         "có dòng “<địa danh>, ngày ... tháng ... năm ...”", _PART),
    Rule("date.format", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_DIGITS,
         "ngày nhỏ hơn 10 và tháng 1, 2 có số 0 phía trước; các tháng khác không",
         "Mục II.4.b: “phải ghi thêm số 0 phía trước”"),
    Rule("date.comma", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_LINE,
         "dấu phẩy sau địa danh", "Mục II.4.c: “sau địa danh có dấu phẩy”"),
    Rule("date.style", ERROR, "Địa danh và thời gian ban hành", "date line", DATE_LINE,
         "chữ nghiêng, cỡ 13-14", _TEXT),
    Rule("subject.missing", ERROR, "Trích yếu nội dung", "subject line", "Điều 8.2.đ",
         "công văn có trích yếu nội dung sau chữ “V/v”", _PART),
    Rule("subject.format", ERROR, "Trích yếu nội dung", "subject line", SUBJECT,
         "trích yếu công văn: chữ in thường, kiểu chữ đứng, không đậm, không nghiêng, cỡ 12-13",
         "Mục II.5.b: trích yếu công văn “bằng chữ in thường, cỡ chữ từ 12 đến 13, kiểu chữ đứng”, khác "
         "trích yếu của văn bản có tên loại (“đứng, đậm”): chữ đậm ở “V/v” là sai"),
    # --- Kính gửi and the body (body.py) ---
    Rule("recipients.missing", ERROR, "Kính gửi", "Kính gửi", RECIPIENTS,
         "công văn có “Kính gửi:” và nơi nhận trực tiếp",
         "Mục II.9.b: với công văn, nơi nhận “bao gồm: Phần thứ nhất bao gồm từ ‘Kính gửi’ ...”"),
    Rule("recipients.format", ERROR, "Kính gửi", "Kính gửi", RECIPIENT_LINES,
         "dấu hai chấm sau “Kính gửi”, cỡ chữ 13-14; gửi nhiều nơi: mỗi nơi một dòng “- ...;”, dòng cuối "
         "có dấu chấm", _TEXT),
    Rule("recipients.style", ERROR, "Kính gửi", "Kính gửi", RECIPIENT_LINES,
         "“Kính gửi” và tên nơi nhận: kiểu chữ đứng, không đậm, không nghiêng",
         "Mục II.9.d: “Kính gửi” và tên nơi nhận “bằng chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng”; "
         "Phụ lục I ghi “đậm” ở mọi yếu tố in đậm (tên cơ quan ban hành, trích yếu có tên loại) và không "
         "ghi ở đây, Mẫu 1.5 in chữ thường: chữ đậm là sai như ở dòng cơ quan chủ quản và “V/v”"),
    Rule("body.alignment", ERROR, "Nội dung", "body", BODY,
         "canh đều hai lề", _TEXT),
    Rule("body.indent", ERROR, "Nội dung", "body", BODY,
         "dòng đầu đoạn lùi vào 1 cm hoặc 1,27 cm",
         "cùng câu ở Mục II.6.e với canh đều và cỡ chữ: “khi xuống dòng, chữ đầu dòng lùi vào 1 cm hoặc "
         "1,27 cm”"),
    Rule("body.size", ERROR, "Nội dung", "body", BODY,
         "cỡ chữ 13-14", _TEXT),
    Rule("body.line_spacing", ERROR, "Nội dung", "body", BODY,
         "khoảng cách dòng từ dòng đơn đến 1,5 dòng", _TEXT),
    Rule("body.spacing", ERROR, "Nội dung", "body", BODY,
         "các đoạn văn cách nhau tối thiểu 6 pt", _TEXT),
    Rule("body.closing", WARNING, "Nội dung", "body", "Mẫu 1.5 Phụ lục III",
         "nội dung kết thúc bằng “./.”",
         "chỉ các Mẫu của Phụ lục III in “./.”; Phụ lục I không quy định bằng lời"),
    # --- the signature and Nơi nhận (signature.py) ---
    Rule("authority.missing", ERROR, "Quyền hạn, chức vụ người ký", "quyền hạn, chức vụ", "Điều 8.2.g",
         "có quyền hạn, chức vụ của người ký (“KT. GIÁM ĐỐC”, hoặc chức vụ khi người đứng đầu ký)",
         _PART),
    Rule("authority.format", ERROR, "Quyền hạn, chức vụ người ký", "quyền hạn, chức vụ", SIGNER,
         "chữ in hoa, kiểu chữ đứng, đậm, cỡ 13-14; cách một khoảng sau “KT.”, “TM.”, “TL.”, “TUQ.”, “Q.”",
         _TEXT + _CAPS),
    Rule("signer.missing", ERROR, "Họ tên người ký", "họ tên người ký", "Điều 8.2.g",
         "có họ tên người ký dưới quyền hạn, chức vụ", _PART),
    Rule("signer.format", ERROR, "Họ tên người ký", "họ tên người ký", SIGNER,
         "chữ in thường, kiểu chữ đứng, đậm, cỡ 13-14", _TEXT),
    Rule("cc.missing", ERROR, "Nơi nhận", "Nơi nhận", "Điều 8.2.i",
         "có “Nơi nhận:” và danh sách nơi nhận", _PART),
    Rule("cc.heading", ERROR, "Nơi nhận", "Nơi nhận", RECIPIENT_LINES,
         "“Nơi nhận:” có dấu hai chấm, chữ nghiêng, đậm, cỡ 12", _TEXT),
    Rule("cc.list", ERROR, "Nơi nhận", "Nơi nhận", RECIPIENT_LINES,
         "mỗi nơi một dòng “- ...;”, chữ đứng, cỡ 11; dòng cuối “- Lưu: VT, <đơn vị soạn thảo>.”", _TEXT),
    Rule("cc.nhu_tren", ERROR, "Nơi nhận", "Nơi nhận", RECIPIENTS,
         "công văn ghi “- Như trên;” đầu tiên",
         "Mục II.9.b: với công văn, phần thứ hai “bao gồm từ ‘Nơi nhận’, phía dưới là từ ‘Như trên’”"),
    # --- the kinds with a tên loại (kinds.py, decision.py): Mẫu 1.1-1.4, 1.6-1.10 ---
    Rule("type_name.format", ERROR, "Tên loại văn bản", "tên loại", SUBJECT,
         "tên loại (QUYẾT ĐỊNH, BÁO CÁO ...): chữ in hoa, kiểu chữ đứng, đậm, cỡ 13-14, canh giữa",
         _TEXT + _CAPS),
    Rule("type_subject.missing", ERROR, "Trích yếu nội dung", "trích yếu", "Điều 8.2.đ",
         "có trích yếu nội dung ngay dưới tên loại (giấy giới thiệu, giấy nghỉ phép không có: Mẫu 1.8, "
         "1.10)", _PART),
    Rule("type_subject.format", ERROR, "Trích yếu nội dung", "trích yếu", SUBJECT,
         "trích yếu dưới tên loại: chữ in thường, kiểu chữ đứng, đậm, cỡ 13-14, canh giữa",
         "Mục II.5.b: trích yếu “trình bày bằng chữ in thường, cỡ chữ từ 13 đến 14, kiểu chữ đứng, đậm”, "
         "“đặt canh giữa”; khác trích yếu công văn (“V/v”, không đậm)"),
    Rule("type_subject.rule", ERROR, "Trích yếu nội dung", "trích yếu", SUBJECT,
         "có đường kẻ ngang nét liền dưới trích yếu (biên bản: Mẫu 1.9 không kẻ)",
         "Mục II.5.b: “Bên dưới trích yếu nội dung văn bản có đường kẻ ngang, nét liền”; cách kẻ không "
         "quy định. Mẫu 1.9 của chính Nghị định không kẻ dưới tên cuộc họp, nên biên bản không bị báo"),
    Rule("type_subject.rule_length", WARNING, "Trích yếu nội dung", "trích yếu", SUBJECT,
         "đường kẻ dài từ 1/3 đến 1/2 dòng chữ trích yếu", _ESTIMATE),
    Rule("decision.authority", WARNING, "Thẩm quyền ban hành", "thẩm quyền ban hành", "Mẫu 1.2 Phụ lục III",
         "quyết định, nghị quyết: thẩm quyền ban hành trên một dòng dưới trích yếu, chữ in hoa, đứng, đậm, "
         "canh giữa", _MAU + " (Mẫu 1.1-1.3)" + _CAPS),
    Rule("can_cu.format", ERROR, "Căn cứ ban hành", "căn cứ", BASES,
         "mỗi dòng “Căn cứ ...” và dòng “Theo đề nghị của ...”: kiểu chữ nghiêng (cỡ chữ 13-14 như nội "
         "dung: body.size)",
         "Mục II.6.a: căn cứ “được trình bày bằng chữ in thường, kiểu chữ nghiêng, cỡ chữ từ 13 đến 14”; "
         "Mẫu 1.1-1.3 in “Theo đề nghị của ...” là dòng cuối của phần căn cứ, chữ nghiêng như các căn cứ "
         "(cũng là dòng cuối mà can_cu.punctuation đòi dấu chấm)"),
    Rule("can_cu.punctuation", ERROR, "Căn cứ ban hành", "căn cứ", BASES,
         "sau mỗi căn cứ xuống dòng, cuối dòng có dấu chấm phẩy (;), dòng cuối cùng (kể cả “Theo đề nghị "
         "của ...”) kết thúc bằng dấu chấm (.)",
         "Mục II.6.a: “cuối dòng có dấu chấm phẩy (;), dòng cuối cùng kết thúc bằng dấu chấm (.)”; Mẫu 1.2 "
         "in “Theo đề nghị của ...” là dòng cuối, có dấu chấm"),
    Rule("decision.command", WARNING, "Quyết định", "QUYẾT ĐỊNH:", "Mẫu 1.2 Phụ lục III",
         "quyết định có dòng “QUYẾT ĐỊNH:” (nghị quyết: “QUYẾT NGHỊ:”) trước các điều: chữ in hoa, đứng, "
         "đậm, canh giữa", _MAU + " (Mẫu 1.1-1.3)" + _CAPS),
    Rule("article.format", ERROR, "Điều", "Điều", ARTICLES,
         "“Điều” và số thứ tự: chữ số Ả Rập, sau số có dấu chấm (.), kiểu chữ đứng, đậm",
         "Mục II.6.đ: “Số thứ tự của điều dùng chữ số Ả Rập, sau số thứ tự có dấu chấm (.); ... kiểu chữ "
         "đứng, đậm”"),
    Rule("cc.nhu_dieu", WARNING, "Nơi nhận", "Nơi nhận", "Mẫu 1.2 Phụ lục III",
         "quyết định, nghị quyết: Nơi nhận ghi “- Như Điều ...;” đầu tiên",
         _MAU + " (Mẫu 1.1-1.3 in “- Như Điều....;”; Mục II.9.c chỉ nói “Nơi nhận” và phần liệt kê)"),
    Rule("minutes.signers", WARNING, "Người ký biên bản", "biên bản", "Mẫu 1.9 Phụ lục III",
         "biên bản có hai người ký, “THƯ KÝ” và “CHỦ TỌA”, mỗi người có họ tên",
         _MAU + " (Mẫu 1.9); Điều 8.2.g chỉ nói chức vụ, họ tên và chữ ký của người có thẩm quyền"),
    Rule("telegram.recipients", WARNING, "Công điện", "công điện", "Mẫu 1.6 Phụ lục III",
         "công điện có dòng “<cơ quan, chức danh> điện:” dưới trích yếu và mỗi nơi nhận điện một dòng "
         "“- ...;”, dòng cuối có dấu chấm", _MAU + " (Mẫu 1.6)"),
    Rule("invitation.content", WARNING, "Giấy mời", "giấy mời", "Mẫu 1.7 Phụ lục III",
         "giấy mời ghi “... trân trọng kính mời: ...”, “Thời gian:” và “Địa điểm:”", _MAU + " (Mẫu 1.7)"),
    # --- page numbers and phụ lục (appendix.py) ---
    Rule("page_number.missing", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "văn bản nhiều trang có đánh số trang", _TEXT),
    Rule("page_number.place", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "số trang ở phần lề trên (đầu trang), canh giữa", _TEXT),
    Rule("page_number.first_page", ERROR, "Số trang", "page numbers", PAGE_NUMBERS,
         "không hiển thị số trang thứ nhất", "Mục I.7: “không hiển thị số trang thứ nhất”"),
    Rule("appendix.numbering", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.a Phụ lục I",
         "từ hai phụ lục trở lên đánh số bằng chữ số La Mã",
         "Mục III.1.a: “các Phụ lục phải được đánh số thứ tự bằng chữ số La Mã”"),
    Rule("appendix.new_page", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.đ Phụ lục I",
         "mỗi phụ lục bắt đầu một trang mới (ngắt trang hay ngắt phần trước nó), số trang đánh riêng",
         "Mục III.1.đ: “Số trang của Phụ lục được đánh số riêng theo từng Phụ lục”, điều chỉ làm được "
         "khi phụ lục bắt đầu trang riêng"),
    Rule("appendix.format", ERROR, "Phụ lục", "Phụ lục", "Mục III.1.b Phụ lục I",
         "dòng “Phụ lục” chữ in thường, đứng, đậm, cỡ 14", _TEXT),
    Rule("appendix.title", ERROR, "Tên phụ lục", "tên phụ lục", "Mục III.1.b Phụ lục I",
         "tên phụ lục chữ in hoa, đậm", _TEXT),
    Rule("appendix.kem_theo", ERROR, "Thông tin chỉ dẫn kèm theo", "Phụ lục", "Mục III.1.c Phụ lục I",
         "dòng “(Kèm theo ...)” chữ nghiêng", _TEXT),
    # --- a bản sao's block under the văn bản it copies (copies.py): Phụ lục I, Phần II; Mẫu 3.1 ---
    Rule("copy.form", ERROR, "Hình thức sao", "hình thức sao", COPY,
         "bản sao ghi hình thức sao là “SAO Y”, “SAO LỤC” hoặc “TRÍCH SAO”, chữ in hoa",
         "ô 1 trong sơ đồ bản sao của Phụ lục I (Phần II, Mục II.3): “Hình thức sao: SAO Y, SAO LỤC hoặc "
         "TRÍCH SAO”, cùng ba từ như Phần II, Mục I.1; Nghị định ghi đúng ba từ đó bằng chữ in hoa, nên "
         "“Sao y”, “SAO Y BẢN CHÍNH” hay “BẢN SAO” là sai" + _CAPS),
    Rule("copy.form_format", WARNING, "Hình thức sao", "hình thức sao", COPY_MAU,
         "hình thức sao: chữ đậm, kiểu chữ đứng", _MAU + " (Mẫu 3.1 in ô 1 chữ đậm, đứng)"),
    Rule("copy.number", WARNING, "Số, ký hiệu bản sao", "Số, ký hiệu bản sao", COPY_MAU,
         "bản sao có dòng “Số: 05/SY-VP”: dấu hai chấm sau “Số”, số nhỏ hơn 10 có số 0 phía trước, ký hiệu "
         "là chữ viết tắt của hình thức sao (SY sao y, TrS trích sao, SL sao lục), dấu gạch nối (-) và chữ "
         "viết tắt tên cơ quan, tổ chức sao văn bản, không cách chữ",
         "Mẫu 3.1 (ghi chú 3-5) in “Số: <số bản sao>/<ký hiệu bản sao>-<chữ viết tắt tên cơ quan, tổ "
         "chức sao văn bản>”; chữ viết tắt SY, TrS, SL là của Mục I Phụ lục III. Phụ lục I chỉ quy định bằng "
         "lời số, ký hiệu của văn bản (Mục II.3), không quy định cách ghi số của bản sao"),
    Rule("copy.date", WARNING, "Địa danh và thời gian sao", "copy's date line", COPY_MAU,
         "bản sao có dòng “<địa danh>, ngày ... tháng ... năm ...”: dấu phẩy sau địa danh, ngày nhỏ hơn 10 "
         "và tháng 1, 2 có số 0 phía trước, các tháng khác không",
         "Mẫu 3.1 in “…, ngày … tháng … năm …” ở ô 4 của bản sao; Phụ lục I quy định bằng lời cách ghi đó "
         "cho thời gian ban hành văn bản (Mục II.4.b, II.4.c), không nói riêng về ngày sao"),
    # --- templates (template.py): what `wfhdoc check --template` reports ---
    Rule("template.file", ERROR, TEMPLATE, "template", "",
         "tệp mẫu là tệp .docx đọc được", _NOT_DECREE),
    Rule("template.encoding", ERROR, TEMPLATE, "template", "",
         "các phần của mẫu là văn bản UTF-8", _NOT_DECREE),
    Rule("template.broken_tag", ERROR, TEMPLATE, "template", "",
         "mỗi thẻ đóng lại trong đoạn văn của nó", _NOT_DECREE),
    Rule("template.split_tag", WARNING, TEMPLATE, "template", "",
         "Word không tách một thẻ ra nhiều đoạn chữ (run)",
         "wfhdoc tự nối thẻ bị tách, văn bản vẫn đúng; chỉ là mẫu chưa gọn"),
    Rule("template.syntax", ERROR, TEMPLATE, "template", "",
         "thẻ docxtpl/Jinja viết đúng cú pháp", _NOT_DECREE),
    Rule("template.unsafe", ERROR, TEMPLATE, "template", "",
         "thẻ không dùng phần bên trong của Python (hộp cát của mẫu từ chối)", _NOT_DECREE),
    Rule("template.unknown_variable", ERROR, TEMPLATE, "template", "",
         "mỗi biến là biến wfhdoc cung cấp", _NOT_DECREE),
    Rule("template.unused_variable", ERROR, TEMPLATE, "template", "",
         "mẫu dùng mọi biến mang dữ liệu của văn bản", _NOT_DECREE),
)
# fmt: on

_BY_ID = {r.id: r for r in RULES}


def rule(rule_id: str) -> Rule:
    """The table's line for a rule id (a KeyError is a bug: a check emitting an id not listed)."""
    return _BY_ID[rule_id]
