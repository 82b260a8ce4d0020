"""Write the samples of a consolidated report (wfhdoc tong-hop) from the batch samples' agencies.

The round is Quảng Trị's of April 2020: Sở Thông tin và Truyền thông asked every agency of the
province (Văn bản số 249/STTTT-CNTT ngày 03/4/2020) how its civil servants work from home, and
reports the answers to UBND tỉnh. The agencies, their staff and their figures are those of
tools/make_batch_samples.py; a few answers are wrong or missing on purpose:

  - Sở Y tế and UBND huyện Cồn Cỏ did not answer (no row);
  - UBND huyện Đakrông answered on 13/4/2020, after the deadline (09/4/2020);
  - Sở Xây dựng's staff is not the sum of those at home and at the office;
  - Thanh tra tỉnh has more văn bản ký số than văn bản đi;
  - Sở Tư pháp typed 112 % of its online public services;
  - UBND huyện Hải Lăng left the online meetings empty, Sở Công Thương typed 'khoảng 20'.

Run: python tools/make_tong_hop_samples.py   (the same data always gives the same bytes)

Writes data/examples/tong-hop/report-form.yaml and data/examples/tong-hop/answers.xlsx.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_batch_samples as batch  # noqa: E402

from wfh_docs.report.form import parse_form  # noqa: E402
from wfh_docs.report.sheet import report_workbook_bytes  # noqa: E402

OUT = ROOT / "data" / "examples" / "tong-hop"
STAMP = dt.datetime(2020, 4, 14, 8, 0, 0)

SILENT = {"Sở Y tế", "UBND huyện Cồn Cỏ"}
LATE = {"UBND huyện Đakrông": dt.date(2020, 4, 13)}

FORM = """\
# Mẫu báo cáo của đợt báo cáo tình hình làm việc tại nhà, tỉnh Quảng Trị, tháng 4/2020.
# Viết bởi tools/make_tong_hop_samples.py; kiểm tra: wfhdoc report-form check report-form.yaml
id: wfh-2020-quang-tri
title: tình hình cán bộ, công chức, viên chức ứng dụng công nghệ thông tin làm việc tại nhà
request:
  number: 249/STTTT-CNTT
  date: 2020-04-03
  agency: Sở Thông tin và Truyền thông Quảng Trị
  subject: báo cáo tình hình công chức, viên chức ứng dụng CNTT làm việc tại nhà, làm việc trực
    tuyến qua môi trường mạng trong thời gian chống dịch Covid-19
period:
  start: 2020-04-01
  end: 2020-04-15
deadline: 2020-04-09
indicators:
  # Tổng số bằng số làm việc tại nhà cộng số trực tại cơ quan
  - id: staff
    label: Tổng số cán bộ, công chức, viên chức và người lao động
    short: Tổng số
    unit: người
    type: count
    parts: [home, office]
  - {id: home, label: Số người làm việc tại nhà, short: Làm việc tại nhà, unit: người, type: count,
     at_most: staff}
  - {id: office, label: Số người trực tại cơ quan, short: Trực tại cơ quan, unit: người, type: count,
     at_most: staff}
  - id: home_rate
    label: Tỷ lệ làm việc tại nhà
    unit: "%"
    type: percentage
    computed: {numerator: home, denominator: staff}
    sentence: "{numerator}/{denominator} cán bộ, công chức, viên chức và người lao động ({value})
      làm việc tại nhà"
  - {id: sent, label: Số văn bản đi từ ngày 01/4/2020, short: Văn bản đi, unit: văn bản, type: count}
  - {id: signed, label: Số văn bản đi được ký số, short: Ký số, unit: văn bản, type: count,
     at_most: sent}
  - id: signed_rate
    label: Tỷ lệ văn bản đi được ký số
    unit: "%"
    type: percentage
    computed: {numerator: signed, denominator: sent}
    sentence: "{numerator}/{denominator} văn bản đi ({value}) được ký số"
  - {id: meetings, label: Số cuộc họp trực tuyến, short: Họp trực tuyến, unit: cuộc, type: count}
  - {id: online_services, label: Tỷ lệ hồ sơ dịch vụ công trực tuyến mức độ 3 và 4,
     short: Dịch vụ công trực tuyến, unit: "%", type: percentage}
  - {id: budget, label: Kinh phí bảo đảm làm việc trực tuyến, short: Kinh phí, unit: đồng, type: amount,
     required: false}
  - {id: mobile, label: Xử lý văn bản trên thiết bị di động, type: yes/no}
  - {id: readiness, label: Mức độ sẵn sàng làm việc tại nhà, type: choice,
     choices: [Tốt, Khá, Trung bình, Chưa đáp ứng]}
sections:
  - title: Kết quả thực hiện
    hint: tình hình làm việc tại nhà, xử lý văn bản trên môi trường mạng
  - title: Khó khăn, vướng mắc
  - title: Kiến nghị, đề xuất
consolidated:
  issuer:
    parent: UBND TỈNH QUẢNG TRỊ
    name: "SỞ THÔNG TIN\\nVÀ TRUYỀN THÔNG"
    short_name: Sở Thông tin và Truyền thông
    abbreviation: STTTT
    unit: CNTT
    place: Quảng Trị
  signer: {authority: KT., head_title: GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Hoàng Nam}
  recipients: [Ủy ban nhân dân tỉnh Quảng Trị]
  cc: [Sở Nội vụ, Lãnh đạo Sở]
  date: 2020-04-14
  subject: tình hình cán bộ, công chức, viên chức ứng dụng công nghệ thông tin làm việc tại nhà
    trong thời gian chống dịch Covid-19
# Các cơ quan, đơn vị phải báo cáo
agencies:
"""


def form_text() -> str:
    lines = [f'  - {{name: "{a.short}", abbreviation: {a.abbreviation}}}' for a in batch.AGENCIES]
    return FORM + "\n".join(lines) + "\n"


def figures(a: batch.Agency, n: int) -> dict[str, Any]:
    """The figures an agency typed, derived from its letter's (the batch sample's) data."""
    readiness = ("Tốt", "Khá", "Trung bình")[n % 3]
    out: dict[str, Any] = {
        "staff": a.staff,
        "home": a.home,
        "office": a.staff - a.home,
        "sent": a.sent,
        "signed": a.signed,
        "meetings": a.meetings,
        "online_services": round(20 + (n * 37) % 60 + (n % 10) / 10, 1),
        "budget": (n % 5) * 2_500_000 or None,
        "mobile": "có" if n % 4 else "không",
        "readiness": readiness,
    }
    wrong = {
        "Sở Xây dựng": {"office": 11},
        "Thanh tra tỉnh": {"signed": 34},
        "Sở Tư pháp": {"online_services": 112},
        "UBND huyện Hải Lăng": {"meetings": None},
        "Sở Công Thương": {"meetings": "khoảng 20"},
    }
    return out | wrong.get(a.short, {})


def rows() -> list[dict[str, Any]]:
    out = []
    for n, a in enumerate(batch.AGENCIES):
        if a.short in SILENT:
            continue
        row = batch.row(a) | figures(a, n)
        if a.short in LATE:
            row["date"] = LATE[a.short]
        out.append(row)
    return out


def main(out: Path = OUT) -> None:
    text = form_text()
    form = parse_form(text.encode("utf-8"), "report-form.yaml")
    batch.write(out / "report-form.yaml", text.encode("utf-8"))
    batch.write(out / "answers.xlsx", report_workbook_bytes(form, rows(), stamp=STAMP))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the samples of data/examples/tong-hop/.")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write them in")
    main(parser.parse_args().out)
