"""The reminders (công văn đôn đốc) to the agencies that did not answer or must correct their
figures, and Phụ lục II of the report listing them, late answers included."""

from __future__ import annotations

from typing import Any

from ..letter.vn import format_number_reference, format_short_date
from .collect import Collected
from .form import ReportForm
from .narrative import Status


def _request(form: ReportForm) -> str:
    r = form.request
    return f"Văn bản số {r.number} ngày {format_short_date(r.date)} của {r.agency} về việc {r.subject}"


def _figures_to_fix(form: ReportForm, collected: Collected, agency: str) -> str:
    ids = list(dict.fromkeys(f.indicator for f in collected.findings.get(agency, [])))
    return "; ".join(form.indicator(i).label for i in ids)


def _their_letter(collected: Collected, agency: str) -> str:
    answer = collected.answers[agency]
    if answer.number is not None and answer.date is not None:
        symbol = f"{answer.abbreviation}" if answer.abbreviation else ""
        number = format_number_reference(answer.number, symbol) if symbol else str(answer.number)
        return f"Văn bản số {number} ngày {format_short_date(answer.date)}"
    return "báo cáo"


def reminder_body(form: ReportForm, collected: Collected, agency: str) -> list[str]:
    short = form.consolidated.issuer.short_name
    first = (
        f"Thực hiện {_request(form)}, {short} đề nghị các cơ quan, đơn vị báo cáo {form.title} "
        f"(kỳ báo cáo từ ngày {format_short_date(form.period.start)} đến ngày "
        f"{format_short_date(form.period.end)}), gửi về {short} trước ngày "
        f"{format_short_date(form.deadline)}."
    )
    if agency in collected.answers:
        second = (
            f"{short} đã nhận được {_their_letter(collected, agency)} của {agency}; tuy nhiên số liệu ở các "
            f"chỉ tiêu sau chưa hợp lệ: {_figures_to_fix(form, collected, agency)}."
        )
        ask = (
            f"Để kịp tổng hợp, {short} đề nghị {agency} rà soát, điều chỉnh và gửi lại số liệu trong "
            "thời gian sớm nhất."
        )
    else:
        second = f"Đến nay, {short} chưa nhận được báo cáo của {agency}."
        ask = (
            f"Để kịp tổng hợp, báo cáo cấp trên, {short} đề nghị {agency} khẩn trương gửi báo cáo trong "
            "thời gian sớm nhất."
        )
    return [first, second, ask]


def reminder_batch(form: ReportForm, collected: Collected, st: Status, *, numbered: bool) -> dict[str, Any]:
    """The reminders as a wfhdoc batch file ({"defaults": ..., "records": [...]}): the numbers and
    the date left for the register (`numbered`) or for the document system."""
    c = form.consolidated
    defaults: dict[str, Any] = {
        "issuer": c.issuer.model_dump(exclude_defaults=True),
        "subject": f"đôn đốc báo cáo {form.title}",
        "signer": c.signer.model_dump(exclude_defaults=True),
    }
    if numbered and c.date is not None:
        defaults["date"] = c.date.isoformat()
    records = []
    for n, agency in enumerate([*st.missing, *st.invalid], start=1):
        records.append(
            {
                "output_name": f"don-doc-{n:02d}",
                "recipients": [agency],
                "body": reminder_body(form, collected, agency),
                "key": f"don-doc:{form.id}:{agency}",
            }
        )
    return {"defaults": defaults, "records": records}


def status_appendix(form: ReportForm, collected: Collected, st: Status) -> dict[str, Any]:
    """Phụ lục II: each agency that did not answer, answered late or must correct its figures."""
    rows: list[list[str]] = []
    for agency in st.expected:
        notes = []
        if agency in st.missing:
            notes.append("Chưa báo cáo")
        if agency in st.late:
            date = collected.answers[agency].date
            notes.append(f"Báo cáo sau hạn (ngày {format_short_date(date)})")
        if agency in st.invalid:
            notes.append("Số liệu chưa hợp lệ: " + _figures_to_fix(form, collected, agency))
        if notes:
            rows.append([str(len(rows) + 1), agency, "; ".join(notes)])
    if not rows:
        rows.append(["", "Tất cả cơ quan, đơn vị đã báo cáo đúng hạn, số liệu hợp lệ", ""])
    return {
        "title": "Danh sách cơ quan, đơn vị chưa báo cáo, báo cáo sau hạn hoặc có số liệu cần điều chỉnh",
        "content": [
            {
                "table": {
                    "columns": ["STT", "Cơ quan, đơn vị", "Tình trạng"],
                    "rows": rows,
                    "widths": [1, 5, 8],
                }
            }
        ],
    }
