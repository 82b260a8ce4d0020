"""The commented starting form `wfhdoc report-form new` writes (in Vietnamese: the clerk reads it)."""

from __future__ import annotations

STARTER = """\
# Mẫu báo cáo (đề cương và biểu mẫu số liệu) của wfhdoc.
# Kiểm tra: wfhdoc report-form check TỆP.yaml
# Mã định danh của mẫu: mỗi văn bản trả lời mang mã này trong dữ liệu kèm theo.
id: bao-cao-mau-2020
# Nội dung cần báo cáo
title: tình hình công chức, viên chức làm việc tại nhà
# Văn bản yêu cầu báo cáo: số và ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu
request:
  number: 249/STTTT-CNTT
  date: 2020-04-03
  agency: Sở Thông tin và Truyền thông Quảng Trị
  subject: báo cáo tình hình công chức, viên chức làm việc tại nhà
# Kỳ báo cáo (từ ngày, đến ngày) và hạn gửi báo cáo (năm-tháng-ngày)
period:
  start: 2020-04-01
  end: 2020-04-15
deadline: 2020-04-10
# Các chỉ tiêu. type: count (số lượng), percentage (tỷ lệ %), amount (số tiền),
# yes/no (có/không), text (chữ), choice (chọn một trong choices).
# parts: tổng bằng tổng các chỉ tiêu thành phần; at_most: không vượt quá chỉ tiêu khác;
# computed: tỷ lệ tính từ hai số lượng (tử số, mẫu số), không nhập tay.
indicators:
  - id: staff
    label: Tổng số công chức, viên chức và người lao động
    short: Tổng số
    unit: người
    type: count
  - id: home
    label: Số người làm việc tại nhà
    short: Làm việc tại nhà
    unit: người
    type: count
    at_most: staff
  - id: home_rate
    label: Tỷ lệ làm việc tại nhà
    unit: "%"
    type: percentage
    computed: {numerator: home, denominator: staff}
# Đề cương phần thuyết minh: các mục cơ quan, đơn vị viết
sections:
  - title: Kết quả thực hiện
  - title: Khó khăn, vướng mắc
  - title: Kiến nghị, đề xuất
# Các cơ quan, đơn vị phải báo cáo (tên như viết trong văn bản, chữ viết tắt)
agencies:
  - {name: Sở Nội vụ, abbreviation: SNV}
  - {name: Sở Tài chính, abbreviation: STC}
# Báo cáo tổng hợp: cơ quan ban hành, người ký, nơi nhận
consolidated:
  issuer:
    parent: UBND TỈNH QUẢNG TRỊ
    name: SỞ THÔNG TIN VÀ TRUYỀN THÔNG
    short_name: Sở Thông tin và Truyền thông
    abbreviation: STTTT
    unit: CNTT
    place: Quảng Trị
  signer: {authority: KT., head_title: GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn A}
  recipients: [Ủy ban nhân dân tỉnh Quảng Trị]
  subject: tình hình công chức, viên chức làm việc tại nhà
"""
