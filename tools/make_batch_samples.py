"""Write the batch samples (a workbook, a CSV and two JSON batch files) from the data below.

The scenario is Quảng Trị in April 2020: on 03/4/2020 Sở Thông tin và Truyền thông asked every
agency of the province (Văn bản số 249/STTTT-CNTT) to report how its civil servants work from
home with IT during the Covid-19 social distancing; each sở, ban and district UBND answers with
a công văn. A second sample has Sở Nội vụ writing the same request to each district UBND, with
the numbers left to `wfhdoc batch --register`.

Run: python tools/make_batch_samples.py   (the same data always gives the same bytes)

Writes:
  data/examples/bao-cao-wfh-quang-tri.xlsx           as `wfhdoc mau-excel` writes it, a row per agency
  data/examples/bao-cao-wfh-quang-tri.csv            the same rows, CSV UTF-8 with BOM
  data/examples/batch/bao-cao-wfh-quang-tri.json     the same letters as defaults + records
  data/examples/batch/defaults-quang-tri.json        shared fields, for --defaults
  data/examples/batch/so-noi-vu-gui-huyen.json       Sở Nội vụ to the 10 district UBNDs
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wfh_docs.batch.workbook import workbook_bytes as mau_excel_bytes
from wfh_docs.letter.labels import BY_FIELD

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
BATCH = EXAMPLES / "batch"

# Fixed stamps, so that a rerun writes the same bytes.
STAMP = dt.datetime(2020, 4, 10, 8, 0, 0)

PROVINCE = "UBND TỈNH QUẢNG TRỊ"
STTTT = "Sở Thông tin và Truyền thông"
REQUEST = f"Văn bản số 249/STTTT-CNTT ngày 03/4/2020 của {STTTT}"
SUBJECT = (
    "báo cáo tình hình công chức, viên chức ứng dụng CNTT làm việc tại nhà, làm việc trực tuyến "
    "qua môi trường mạng trong thời gian chống dịch Covid-19"
)
RECIPIENTS = ["Sở Thông tin và Truyền thông Quảng Trị"]
DEFAULT_DATE = dt.date(2020, 4, 8)
DEFAULT_CC = ["Lãnh đạo Sở"]


# --- signers ------------------------------------------------------------------------------------


def kt(head: str, title: str, name: str) -> dict[str, str]:
    return {"authority": "KT.", "head_title": head, "title": title, "name": name}


def tl(head: str, title: str, name: str) -> dict[str, str]:
    return {"authority": "TL.", "head_title": head, "title": title, "name": name}


def head(title: str, name: str) -> dict[str, str]:
    return {"title": title, "name": name}


def tm_ubnd(name: str, deputy: bool) -> dict[str, str]:
    signer = {"authority": "TM.", "head_title": "ỦY BAN NHÂN DÂN"}
    if deputy:
        signer |= {"deputy_of": "CHỦ TỊCH", "title": "PHÓ CHỦ TỊCH"}
    else:
        signer |= {"title": "CHỦ TỊCH"}
    return signer | {"name": name}


# --- the agencies -------------------------------------------------------------------------------


@dataclass
class Agency:
    slug: str  # for the output file name
    name: str  # issuer.name, capitals, "\n" where the header line must break
    short: str  # issuer.short_name: how the letter names the agency
    abbreviation: str
    unit: str
    number: int
    date: dt.date
    signer: dict[str, str]
    staff: int  # công chức, viên chức và người lao động
    home: int  # of whom work from home
    on_duty: str  # who stays at the office
    sent: int  # văn bản đi since 01/4/2020
    signed: int  # of which signed digitally
    meetings: int  # online meetings held
    note: str  # what is particular to the agency
    difficulty: str  # what goes wrong, and what it asks for
    district: str = ""  # "huyện", "thị xã", "thành phố" for a district-level UBND
    place: str = "Quảng Trị"
    self_name: str = "Sở"  # how the body calls the agency after the first mention
    date_as_text: bool = False  # typed as "07/04/2020" in the workbook, not a date
    opening: str = "receive"  # receive | carry_out | district
    paragraphs: int = 4
    cc: list[str] = field(default_factory=lambda: list(DEFAULT_CC))
    drafter: str = ""

    @property
    def parent(self) -> str | None:
        return None if self.district else PROVINCE


def dd_m(day: dt.date) -> str:
    """'06/4/2020', as Vietnamese running text writes a date."""
    return f"{day.day:02d}/{day.month}/{day.year}"


def count(n: int) -> str:
    """'05 người' style: official letters write small counts with two digits."""
    return f"{n:02d}"


def percent(part: int, whole: int) -> str:
    text = f"{100 * part / whole:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def body(a: Agency) -> list[str]:
    staff_noun = "cán bộ, công chức, viên chức" if a.district else "công chức, viên chức"
    if a.opening == "receive":
        first = (
            f"{a.short} nhận được {REQUEST} về việc báo cáo tình hình cán bộ, công chức, viên chức "
            "ứng dụng công nghệ thông tin làm việc tại nhà, làm việc trực tuyến qua môi trường mạng "
            f"trong thời gian chống dịch Covid-19. {a.short} báo cáo như sau:"
        )
    elif a.opening == "carry_out":
        first = (
            f"Thực hiện {REQUEST} về việc báo cáo tình hình cán bộ, công chức, viên chức ứng dụng "
            "công nghệ thông tin làm việc tại nhà trong thời gian chống dịch Covid-19, "
            f"{a.short} báo cáo kết quả thực hiện như sau:"
        )
    else:
        first = (
            "Thực hiện Chỉ thị số 16/CT-TTg ngày 31/3/2020 của Thủ tướng Chính phủ về thực hiện các "
            f"biện pháp cấp bách phòng, chống dịch Covid-19 và {REQUEST}, {a.short} báo cáo tình hình "
            f"{staff_noun} ứng dụng công nghệ thông tin làm việc tại nhà như sau:"
        )
    # whose staff the figures count
    whose = f"khối cơ quan chuyên môn và Văn phòng HĐND và UBND {a.district}" if a.district else a.self_name
    rest = a.staff - a.home
    staff = (
        f"Tổng số {staff_noun} và người lao động của {whose} là {a.staff} người; trong thời gian "
        f"cách ly xã hội từ ngày 01/4/2020 có {count(a.home)} người ({percent(a.home, a.staff)}%) "
        f"làm việc tại nhà, {count(rest)} người còn lại ({a.on_duty}) làm việc tại cơ quan theo "
        f"lịch trực. {a.note}"
    )
    until = dd_m(a.date - dt.timedelta(days=1))
    if a.meetings:
        meetings = f"tổ chức {count(a.meetings)} cuộc họp trực tuyến"
    else:
        meetings = (
            "chưa tổ chức cuộc họp trực tuyến nào, các nội dung cần thống nhất được trao đổi qua thư "
            "điện tử công vụ và điện thoại"
        )
    it = (
        f"Từ ngày 01/4/2020 đến ngày {until}, {a.self_name} đã phát hành {count(a.sent)} văn bản đi, "
        f"trong đó {count(a.signed)} văn bản ({percent(a.signed, a.sent)}%) được ký số và gửi qua Hệ "
        f"thống quản lý văn bản và điều hành của tỉnh; {meetings}. {a.difficulty}"
    )
    last = f"Vậy, {a.short} báo cáo {STTTT} tổng hợp."
    if a.paragraphs == 3:
        return [first, f"{staff} {it}", last]
    return [first, staff, it, last]


D = dt.date

AGENCIES = [
    Agency(
        slug="so-noi-vu",
        name="SỞ NỘI VỤ",
        short="Sở Nội vụ",
        abbreviation="SNV",
        unit="VP",
        number=412,
        date=D(2020, 4, 7),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Quang Thành"),
        staff=48,
        home=37,
        on_duty="Lãnh đạo Sở trực theo phân công, Văn phòng Sở và bộ phận một cửa",
        sent=96,
        signed=91,
        meetings=3,
        note="Lịch làm việc tại nhà và danh sách người trực được Giám đốc Sở phê duyệt theo tuần, "
        "công khai trên Trang thông tin điện tử của Sở.",
        difficulty="Một số công chức mới tuyển dụng chưa được cấp chứng thư số cá nhân nên văn bản "
        "trình ký phải chuyển qua Văn phòng Sở; đề nghị Sở Thông tin và Truyền thông sớm cấp bổ sung.",
        cc=["Giám đốc Sở (để b/c)", "Các phòng, đơn vị thuộc Sở"],
        drafter="LTH",
    ),
    Agency(
        slug="so-tai-chinh",
        name="SỞ TÀI CHÍNH",
        short="Sở Tài chính",
        abbreviation="STC",
        unit="VP",
        number=1046,
        date=D(2020, 4, 8),
        signer=head("GIÁM ĐỐC", "Trần Văn Lợi"),
        staff=62,
        home=44,
        on_duty="Lãnh đạo Sở, Văn phòng và công chức xử lý hồ sơ thanh toán, quyết toán",
        sent=183,
        signed=176,
        meetings=4,
        note="Các nghiệp vụ thẩm tra quyết toán, cấp mã số đơn vị có quan hệ với ngân sách và quản lý "
        "ngân sách được thực hiện trên Hệ thống thông tin quản lý ngân sách và kho bạc (TABMIS).",
        difficulty="Khó khăn lớn nhất là nhiều hồ sơ, chứng từ kế toán vẫn phải xử lý bản giấy theo "
        "quy định, nên công chức các phòng nghiệp vụ phải luân phiên đến cơ quan.",
        opening="carry_out",
    ),
    Agency(
        slug="so-ke-hoach-va-dau-tu",
        name="SỞ KẾ HOẠCH VÀ ĐẦU TƯ",
        short="Sở Kế hoạch và Đầu tư",
        abbreviation="SKHĐT",
        unit="VP",
        number=689,
        date=D(2020, 4, 6),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Bắc"),
        staff=51,
        home=40,
        on_duty="Lãnh đạo Sở trực, Văn phòng Sở và bộ phận đăng ký kinh doanh",
        sent=74,
        signed=70,
        meetings=2,
        note="Hồ sơ đăng ký doanh nghiệp tiếp tục được tiếp nhận và trả kết quả qua Cổng thông tin "
        "quốc gia về đăng ký doanh nghiệp, không phải nộp bản giấy.",
        difficulty="Đường truyền Internet tại nhà của một số công chức không ổn định khi họp trực "
        "tuyến, hình ảnh và âm thanh còn bị gián đoạn.",
    ),
    Agency(
        slug="so-tu-phap",
        name="SỞ TƯ PHÁP",
        short="Sở Tư pháp",
        abbreviation="STP",
        unit="VP",
        number=298,
        date=D(2020, 4, 7),
        date_as_text=True,
        signer=head("GIÁM ĐỐC", "Nguyễn Thị Mỹ Hạnh"),
        staff=36,
        home=28,
        on_duty="Lãnh đạo Sở trực, văn thư và công chức lý lịch tư pháp",
        sent=52,
        signed=49,
        meetings=1,
        note="Việc cấp Phiếu lý lịch tư pháp được hướng dẫn người dân nộp hồ sơ trực tuyến mức độ 3, "
        "nhận kết quả qua dịch vụ bưu chính công ích.",
        difficulty="Cơ sở dữ liệu lý lịch tư pháp chỉ truy cập được từ mạng nội bộ của Sở nên chưa "
        "thể xử lý hoàn toàn tại nhà.",
        paragraphs=3,
    ),
    Agency(
        slug="so-y-te",
        name="SỞ Y TẾ",
        short="Sở Y tế",
        abbreviation="SYT",
        unit="VP",
        number=1187,
        date=D(2020, 4, 9),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Văn Bình"),
        staff=58,
        home=19,
        on_duty="Ban Giám đốc, Văn phòng, phòng Nghiệp vụ Y và bộ phận thường trực Ban Chỉ đạo phòng, "
        "chống dịch của tỉnh",
        sent=241,
        signed=228,
        meetings=14,
        note="Do yêu cầu trực chống dịch, Sở chỉ bố trí làm việc tại nhà đối với công chức các phòng "
        "không trực tiếp tham gia công tác phòng, chống dịch.",
        difficulty="Phần lớn các cuộc họp trực tuyến là giao ban phòng, chống dịch với Bộ Y tế, UBND "
        "tỉnh và các trung tâm y tế huyện; khối lượng văn bản tăng gấp ba lần so với ngày thường.",
        opening="carry_out",
        cc=["Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh", "Lãnh đạo Sở"],
    ),
    Agency(
        slug="so-giao-duc-va-dao-tao",
        name="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        short="Sở Giáo dục và Đào tạo",
        abbreviation="SGDĐT",
        unit="VP",
        number=702,
        date=D(2020, 4, 8),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Sơn"),
        staff=65,
        home=52,
        on_duty="Lãnh đạo Sở trực, Văn phòng và phòng Giáo dục trung học",
        sent=118,
        signed=115,
        meetings=5,
        note="Sở đồng thời chỉ đạo các trường tổ chức dạy học qua Internet và trên truyền hình cho "
        "học sinh trong thời gian nghỉ học.",
        difficulty="Nhiều giáo viên, học sinh ở vùng nông thôn, miền núi chưa có thiết bị và đường "
        "truyền để học trực tuyến; đề nghị Sở Thông tin và Truyền thông phối hợp với các doanh nghiệp "
        "viễn thông hỗ trợ.",
    ),
    Agency(
        slug="so-giao-thong-van-tai",
        name="SỞ GIAO THÔNG VẬN TẢI",
        short="Sở Giao thông vận tải",
        abbreviation="SGTVT",
        unit="VP",
        number=845,
        date=D(2020, 4, 7),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trương Công Hải"),
        staff=74,
        home=49,
        on_duty="Lãnh đạo Sở trực, Văn phòng, Thanh tra Sở và bộ phận sát hạch, cấp giấy phép lái xe",
        sent=131,
        signed=122,
        meetings=2,
        note="Thanh tra Sở vẫn bố trí lực lượng phối hợp kiểm soát phương tiện vận tải hành khách tại "
        "các chốt kiểm dịch trên Quốc lộ 1 và Quốc lộ 9.",
        difficulty="Hồ sơ cấp, đổi giấy phép lái xe mới tiếp nhận trực tuyến một phần, người dân vẫn "
        "phải đến nộp bản gốc.",
    ),
    Agency(
        slug="so-xay-dung",
        name="SỞ XÂY DỰNG",
        short="Sở Xây dựng",
        abbreviation="SXD",
        unit="VP",
        number=623,
        date=D(2020, 4, 8),
        signer=head("GIÁM ĐỐC", "Võ Văn Hưng"),
        staff=42,
        home=33,
        on_duty="Lãnh đạo Sở trực, văn thư và bộ phận thẩm định dự án",
        sent=88,
        signed=85,
        meetings=1,
        note="Hồ sơ thẩm định thiết kế và cấp giấy phép xây dựng được tiếp nhận qua Cổng dịch vụ công "
        "trực tuyến của tỉnh.",
        difficulty="Việc thẩm định các dự án có hồ sơ bản vẽ khổ lớn chưa thực hiện được tại nhà.",
        paragraphs=3,
        cc=["Lãnh đạo Sở", "Các phòng thuộc Sở"],
    ),
    Agency(
        slug="so-tai-nguyen-va-moi-truong",
        name="SỞ TÀI NGUYÊN\nVÀ MÔI TRƯỜNG",
        short="Sở Tài nguyên và Môi trường",
        abbreviation="STNMT",
        unit="VP",
        number=1254,
        date=D(2020, 4, 9),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Cảnh"),
        staff=57,
        home=42,
        on_duty="Lãnh đạo Sở trực, Văn phòng và Văn phòng Đăng ký đất đai",
        sent=167,
        signed=159,
        meetings=3,
        note="Việc cập nhật biến động đất đai được thực hiện trên hệ thống cơ sở dữ liệu đất đai của "
        "tỉnh, cán bộ có thể truy cập từ xa qua mạng riêng ảo.",
        difficulty="Một số máy tính cá nhân của công chức chưa cài phần mềm chuyên ngành có bản quyền "
        "nên chưa xử lý được hồ sơ địa chính tại nhà.",
        opening="carry_out",
    ),
    Agency(
        slug="so-nong-nghiep-va-ptnt",
        name="SỞ NÔNG NGHIỆP VÀ\nPHÁT TRIỂN NÔNG THÔN",
        short="Sở Nông nghiệp và Phát triển nông thôn",
        abbreviation="SNN",
        unit="VP",
        number=731,
        date=D(2020, 4, 7),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Hữu Tâm"),
        staff=45,
        home=34,
        on_duty="Lãnh đạo Sở trực, Văn phòng và phòng Kế hoạch - Tài chính",
        sent=109,
        signed=101,
        meetings=2,
        note="Các chi cục trực thuộc vẫn duy trì lực lượng kiểm dịch động vật và theo dõi dịch tả lợn "
        "châu Phi tại địa bàn.",
        difficulty="Công chức làm nhiệm vụ tại hiện trường chưa được trang bị thiết bị để cập nhật "
        "số liệu trực tuyến.",
    ),
    Agency(
        slug="so-lao-dong-tbxh",
        name="SỞ LAO ĐỘNG -\nTHƯƠNG BINH VÀ XÃ HỘI",
        short="Sở Lao động - Thương binh và Xã hội",
        abbreviation="SLĐTBXH",
        unit="VP",
        number=562,
        date=D(2020, 4, 9),
        date_as_text=True,
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phan Thị Thu Hương"),
        staff=53,
        home=41,
        on_duty="Lãnh đạo Sở trực, Văn phòng và phòng Bảo trợ xã hội chuẩn bị hỗ trợ người dân gặp "
        "khó khăn do dịch",
        sent=97,
        signed=92,
        meetings=3,
        note="Trung tâm Dịch vụ việc làm tạm dừng phiên giao dịch việc làm trực tiếp, chuyển sang tư "
        "vấn qua điện thoại và trang thông tin điện tử.",
        difficulty="Việc rà soát danh sách đối tượng được hỗ trợ theo Nghị quyết số 42/NQ-CP cần "
        "nhiều số liệu từ cấp xã nên phải trao đổi qua thư điện tử và điện thoại nhiều lần.",
        opening="carry_out",
    ),
    Agency(
        slug="so-van-hoa-tt-dl",
        name="SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH",
        short="Sở Văn hóa, Thể thao và Du lịch",
        abbreviation="SVHTTDL",
        unit="VP",
        number=488,
        date=D(2020, 4, 8),
        signer=head("GIÁM ĐỐC", "Lê Minh Tuấn"),
        staff=47,
        home=38,
        on_duty="Lãnh đạo Sở trực, văn thư và phòng Quản lý du lịch",
        sent=69,
        signed=66,
        meetings=0,
        note="Các di tích, bảo tàng và thiết chế văn hóa, thể thao của tỉnh tạm dừng đón khách, lực "
        "lượng bảo vệ vẫn trực theo ca.",
        difficulty="Sở chưa có phần mềm họp trực tuyến riêng; đề nghị Sở Thông tin và Truyền thông "
        "hướng dẫn sử dụng hệ thống họp trực tuyến dùng chung của tỉnh.",
        cc=["Lãnh đạo Sở", "Văn phòng Sở"],
    ),
    Agency(
        slug="so-khoa-hoc-va-cong-nghe",
        name="SỞ KHOA HỌC\nVÀ CÔNG NGHỆ",
        short="Sở Khoa học và Công nghệ",
        abbreviation="SKHCN",
        unit="VP",
        number=9,
        date=D(2020, 4, 6),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hồ Sỹ Phong"),
        staff=31,
        home=26,
        on_duty="Lãnh đạo Sở trực, văn thư và kế toán",
        sent=38,
        signed=38,
        meetings=2,
        note="Hội đồng xét duyệt đề tài khoa học cấp tỉnh năm 2020 được chuyển sang họp trực tuyến.",
        difficulty="Về cơ bản công việc không bị gián đoạn; hạn chế là hệ thống hội nghị trực tuyến "
        "còn phụ thuộc vào đường truyền Internet gia đình của các thành viên hội đồng.",
        paragraphs=3,
        drafter="HSP",
    ),
    Agency(
        slug="so-cong-thuong",
        name="SỞ CÔNG THƯƠNG",
        short="Sở Công Thương",
        abbreviation="SCT",
        unit="VP",
        number=451,
        date=D(2020, 4, 8),
        signer=kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Hữu Hưng"),
        staff=40,
        home=37,
        on_duty="01 Lãnh đạo Sở thay phiên, nhân viên văn thư và 01 Lãnh đạo phòng Quản lý Thương mại",
        sent=84,
        signed=81,
        meetings=0,
        note="Số lao động gồm cơ quan Sở 31 người và Trung tâm Khuyến công và Tư vấn phát triển công "
        "nghiệp 09 người.",
        difficulty="Không phải tất cả công chức, viên chức đều có máy tính nối mạng tại nhà, và một số "
        "báo cáo cần dữ liệu lưu trên máy tính tại cơ quan.",
    ),
    Agency(
        slug="ban-quan-ly-khu-kinh-te",
        name="BAN QUẢN LÝ\nKHU KINH TẾ TỈNH",
        short="Ban Quản lý Khu kinh tế tỉnh",
        abbreviation="BQLKKT",
        unit="VP",
        number=7,
        date=D(2020, 4, 7),
        signer=kt("TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Đức Dũng"),
        staff=38,
        home=29,
        self_name="Ban",
        on_duty="Lãnh đạo Ban trực, Văn phòng và bộ phận quản lý doanh nghiệp",
        sent=46,
        signed=43,
        meetings=1,
        note="Ban duy trì liên lạc với các doanh nghiệp trong Khu kinh tế Đông Nam và Khu kinh tế - "
        "thương mại đặc biệt Lao Bảo qua thư điện tử và nhóm trao đổi trực tuyến.",
        difficulty="Việc kiểm tra thực địa tình hình sản xuất của doanh nghiệp tạm dừng nên thông tin "
        "chủ yếu dựa trên báo cáo của doanh nghiệp.",
        cc=["Lãnh đạo Ban"],
    ),
    Agency(
        slug="thanh-tra-tinh",
        name="THANH TRA TỈNH",
        short="Thanh tra tỉnh",
        abbreviation="TTT",
        unit="VP",
        number=5,
        date=D(2020, 4, 6),
        signer=kt("CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA", "Hoàng Xuân Thạch"),
        staff=29,
        home=22,
        self_name="Thanh tra tỉnh",
        on_duty="Lãnh đạo trực, văn thư và công chức tiếp công dân",
        sent=31,
        signed=28,
        meetings=0,
        note="Việc tiếp công dân định kỳ tạm dừng theo chỉ đạo của UBND tỉnh; đơn thư được tiếp nhận "
        "qua đường bưu điện và thư điện tử.",
        difficulty="Hồ sơ các cuộc thanh tra đang tiến hành có tài liệu mật nên không được xử lý qua "
        "môi trường mạng, phải tạm dừng đến khi hết thời gian cách ly.",
        paragraphs=3,
        cc=["Chánh Thanh tra tỉnh (để b/c)", "Lãnh đạo Thanh tra tỉnh"],
    ),
    Agency(
        slug="van-phong-ubnd-tinh",
        name="VĂN PHÒNG",
        short="Văn phòng UBND tỉnh",
        abbreviation="VP",
        unit="TTTH",
        number=263,
        date=D(2020, 4, 8),
        signer=kt("CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Trần Anh Tuấn"),
        staff=96,
        home=58,
        self_name="Văn phòng",
        on_duty="Lãnh đạo Văn phòng, chuyên viên theo dõi công tác phòng, chống dịch, Trung tâm Tin học "
        "và bộ phận phục vụ",
        sent=214,
        signed=209,
        meetings=11,
        note="Trung tâm Tin học bảo đảm vận hành liên tục Hệ thống quản lý văn bản và điều hành, hệ "
        "thống thư điện tử công vụ và hệ thống hội nghị truyền hình của tỉnh.",
        difficulty="Các cuộc họp trực tuyến của Thường trực UBND tỉnh với các huyện tăng nhiều, đường "
        "truyền đến một số điểm cầu cấp huyện còn chập chờn.",
        opening="carry_out",
        cc=["Chánh Văn phòng (để b/c)", "Lãnh đạo Văn phòng"],
        drafter="TAT",
    ),
    # --- district-level UBND: no parent, their own place
    Agency(
        slug="ubnd-dong-ha",
        name="ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÔNG HÀ",
        short="UBND thành phố Đông Hà",
        abbreviation="UBND",
        unit="VP",
        number=612,
        date=D(2020, 4, 8),
        district="thành phố",
        place="Đông Hà",
        self_name="UBND thành phố",
        signer=tm_ubnd("Hồ Ngọc Lâm", deputy=True),
        staff=186,
        home=121,
        on_duty="lãnh đạo các phòng trực, bộ phận một cửa và Ban Chỉ đạo phòng, chống dịch thành phố",
        sent=173,
        signed=161,
        meetings=6,
        note="Thành phố đã kết nối hội nghị truyền hình từ UBND thành phố đến 09 phường để chỉ đạo "
        "công tác phòng, chống dịch.",
        difficulty="Một số phường chưa có chữ ký số cho lãnh đạo nên văn bản cấp phường vẫn phải "
        "gửi bản scan.",
        opening="district",
        cc=["TT Thành ủy, TT HĐND thành phố (để b/c)", "CT, các PCT UBND thành phố"],
    ),
    Agency(
        slug="ubnd-thi-xa-quang-tri",
        name="ỦY BAN NHÂN DÂN\nTHỊ XÃ QUẢNG TRỊ",
        short="UBND thị xã Quảng Trị",
        abbreviation="UBND",
        unit="VP",
        number=287,
        date=D(2020, 4, 7),
        district="thị xã",
        place="Quảng Trị",
        self_name="UBND thị xã",
        signer=tl("CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Thị Thanh Bình"),
        staff=112,
        home=78,
        on_duty="lãnh đạo các phòng trực, văn thư và bộ phận một cửa",
        sent=94,
        signed=87,
        meetings=3,
        note="Bộ phận một cửa thị xã tạm dừng tiếp nhận hồ sơ trực tiếp và hướng dẫn người dân nộp "
        "hồ sơ qua Cổng dịch vụ công trực tuyến của tỉnh.",
        difficulty="Số hồ sơ nộp trực tuyến còn ít vì nhiều người dân chưa quen sử dụng dịch vụ công "
        "trực tuyến.",
        opening="district",
        paragraphs=3,
        cc=["TT Thị ủy, TT HĐND thị xã (để b/c)", "Chủ tịch, các PCT UBND thị xã"],
    ),
    Agency(
        slug="ubnd-vinh-linh",
        name="ỦY BAN NHÂN DÂN\nHUYỆN VĨNH LINH",
        short="UBND huyện Vĩnh Linh",
        abbreviation="UBND",
        unit="VP",
        number=498,
        date=D(2020, 4, 8),
        district="huyện",
        place="Vĩnh Linh",
        self_name="UBND huyện",
        signer=tm_ubnd("Nguyễn Văn Chương", deputy=True),
        staff=168,
        home=109,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=152,
        signed=140,
        meetings=4,
        note="100% các xã, thị trấn đã sử dụng Hệ thống quản lý văn bản và điều hành để nhận văn bản "
        "chỉ đạo của huyện.",
        difficulty="Đường truyền Internet ở các xã vùng gò đồi còn chậm, ảnh hưởng đến việc họp "
        "trực tuyến với cấp xã.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-gio-linh",
        name="ỦY BAN NHÂN DÂN\nHUYỆN GIO LINH",
        short="UBND huyện Gio Linh",
        abbreviation="UBND",
        unit="NV",
        number=376,
        date=D(2020, 4, 9),
        district="huyện",
        place="Gio Linh",
        self_name="UBND huyện",
        signer=tm_ubnd("Trần Văn Thanh", deputy=False),
        staff=154,
        home=96,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=138,
        signed=124,
        meetings=3,
        note="Phòng Nội vụ theo dõi lịch trực và tổng hợp kết quả làm việc tại nhà của các cơ quan "
        "hằng tuần.",
        difficulty="Nhiều công chức cấp xã chưa có tài khoản trên Hệ thống quản lý văn bản và điều "
        "hành; đề nghị Sở Thông tin và Truyền thông hỗ trợ tập huấn trực tuyến.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-cam-lo",
        name="ỦY BAN NHÂN DÂN\nHUYỆN CAM LỘ",
        short="UBND huyện Cam Lộ",
        abbreviation="UBND",
        unit="VP",
        number=341,
        date=D(2020, 4, 6),
        district="huyện",
        place="Cam Lộ",
        self_name="UBND huyện",
        signer=tm_ubnd("Lê Đức Hòa", deputy=True),
        staff=139,
        home=92,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=117,
        signed=109,
        meetings=2,
        note="Các cơ quan đã thực hiện báo cáo nhanh tình hình phòng, chống dịch hằng ngày qua thư "
        "điện tử công vụ.",
        difficulty="Một số viên chức ở đơn vị sự nghiệp chưa có máy tính tại nhà nên phải bố trí làm "
        "việc tại cơ quan theo ca.",
        opening="district",
        paragraphs=3,
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-trieu-phong",
        name="ỦY BAN NHÂN DÂN\nHUYỆN TRIỆU PHONG",
        short="UBND huyện Triệu Phong",
        abbreviation="UBND",
        unit="VP",
        number=455,
        date=D(2020, 4, 7),
        district="huyện",
        place="Triệu Phong",
        self_name="UBND huyện",
        signer=tl("CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Phan Văn Minh"),
        staff=163,
        home=104,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=146,
        signed=131,
        meetings=3,
        note="Huyện đã ban hành lịch trực tuần cho từng phòng, ban và công khai số điện thoại của "
        "người trực để người dân liên hệ.",
        difficulty="Việc ký số văn bản của các xã còn chậm do một số xã chưa được cấp đủ thiết bị ký số.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-hai-lang",
        name="ỦY BAN NHÂN DÂN\nHUYỆN HẢI LĂNG",
        short="UBND huyện Hải Lăng",
        abbreviation="UBND",
        unit="VP",
        number=402,
        date=D(2020, 4, 8),
        district="huyện",
        place="Hải Lăng",
        self_name="UBND huyện",
        signer=tm_ubnd("Lê Văn Hoàn", deputy=False),
        staff=158,
        home=99,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=129,
        signed=118,
        meetings=2,
        note="Huyện đã chỉ đạo các xã niêm yết số điện thoại đường dây nóng và tiếp nhận phản ánh "
        "của người dân qua mạng xã hội.",
        difficulty="Phòng họp trực tuyến của huyện chỉ có một điểm cầu, chưa đáp ứng được việc họp "
        "đồng thời với các xã.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-huong-hoa",
        name="ỦY BAN NHÂN DÂN\nHUYỆN HƯỚNG HÓA",
        short="UBND huyện Hướng Hóa",
        abbreviation="UBND",
        unit="VP",
        number=523,
        date=D(2020, 4, 9),
        district="huyện",
        place="Hướng Hóa",
        self_name="UBND huyện",
        signer=tm_ubnd("Hồ Văn Thảo", deputy=True),
        staff=171,
        home=87,
        on_duty="lãnh đạo các phòng trực, Văn phòng và lực lượng phối hợp kiểm soát dịch tại cửa "
        "khẩu Lao Bảo",
        sent=158,
        signed=132,
        meetings=3,
        note="Số cán bộ làm việc tại cơ quan cao hơn các huyện khác do nhiệm vụ kiểm soát người nhập "
        "cảnh qua cửa khẩu quốc tế Lao Bảo.",
        difficulty="Nhiều xã vùng sâu, vùng biên giới chưa có đường truyền Internet ổn định; đề nghị "
        "Sở Thông tin và Truyền thông chỉ đạo các doanh nghiệp viễn thông tăng cường hạ tầng.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
        drafter="HVT",
    ),
    Agency(
        slug="ubnd-dakrong",
        name="ỦY BAN NHÂN DÂN\nHUYỆN ĐAKRÔNG",
        short="UBND huyện Đakrông",
        abbreviation="UBND",
        unit="VP",
        number=267,
        date=D(2020, 4, 8),
        district="huyện",
        place="Đakrông",
        self_name="UBND huyện",
        signer=tm_ubnd("Nguyễn Chí Tâm", deputy=True),
        staff=132,
        home=61,
        on_duty="lãnh đạo các phòng trực, Văn phòng và bộ phận một cửa",
        sent=104,
        signed=83,
        meetings=1,
        note="Tỷ lệ làm việc tại nhà thấp vì nhiều cán bộ sống ở các xã chưa có sóng di động 4G.",
        difficulty="Đây là khó khăn lớn nhất của huyện; đề nghị Sở Thông tin và Truyền thông hỗ trợ "
        "thiết bị và đường truyền cho các xã đặc biệt khó khăn.",
        opening="district",
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)", "CT, các PCT UBND huyện"],
    ),
    Agency(
        slug="ubnd-con-co",
        name="ỦY BAN NHÂN DÂN\nHUYỆN CỒN CỎ",
        short="UBND huyện Cồn Cỏ",
        abbreviation="UBND",
        unit="VP",
        number=8,
        date=D(2020, 4, 7),
        district="huyện",
        place="Cồn Cỏ",
        self_name="UBND huyện",
        signer=tm_ubnd("Lê Quang Chiến", deputy=False),
        staff=34,
        home=11,
        on_duty="cán bộ, công chức thường trực trên đảo",
        sent=27,
        signed=24,
        meetings=2,
        note="Số làm việc tại nhà là cán bộ đang ở đất liền, không ra đảo được do tạm dừng tàu chở khách.",
        difficulty="Đường truyền Internet trên đảo qua vi ba còn hạn chế, chỉ đủ cho thư điện tử và "
        "Hệ thống quản lý văn bản và điều hành.",
        opening="district",
        paragraphs=3,
        cc=["TT Huyện ủy, TT HĐND huyện (để b/c)"],
    ),
]


# --- the letters as flat rows and as records ----------------------------------------------------

# The workbook's columns, in order: dotted JSON paths that wfhdoc batch reads.
COLUMNS = [
    "output_name",
    "type",
    "issuer.parent",
    "issuer.name",
    "issuer.short_name",
    "issuer.abbreviation",
    "issuer.unit",
    "issuer.place",
    "number",
    "date",
    "subject",
    "recipients",
    "signer.authority",
    "signer.head_title",
    "signer.deputy_of",
    "signer.title",
    "signer.name",
    "body",
    "cc",
    "drafter.initials",
]


def output_name(a: Agency) -> str:
    return f"bao-cao-wfh-{a.slug}"


def row(a: Agency) -> dict[str, Any]:
    """One letter as the cells of a sheet row (None leaves the cell empty)."""
    return {
        "output_name": output_name(a),
        "type": "Công văn",  # as a clerk picks it in the list (Mẫu 1.5)
        "issuer.parent": a.parent,
        "issuer.name": a.name,
        "issuer.short_name": a.short,
        "issuer.abbreviation": a.abbreviation,
        "issuer.unit": a.unit,
        "issuer.place": a.place,
        "number": a.number,
        "date": dd_mm(a.date) if a.date_as_text else a.date,
        "subject": SUBJECT,
        "recipients": "\n".join(RECIPIENTS),
        "signer.authority": a.signer.get("authority"),
        "signer.head_title": a.signer.get("head_title"),
        "signer.deputy_of": a.signer.get("deputy_of"),
        "signer.title": a.signer.get("title"),
        "signer.name": a.signer["name"],
        "body": "\n".join(body(a)),
        "cc": "\n".join(a.cc),
        "drafter.initials": a.drafter or None,
    }


def dd_mm(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def record(a: Agency) -> dict[str, Any]:
    """One letter as a record of the JSON batch file: what differs from DEFAULTS."""
    issuer: dict[str, Any] = {}
    if a.parent:
        issuer["parent"] = a.parent
    issuer |= {"name": a.name, "short_name": a.short, "abbreviation": a.abbreviation, "unit": a.unit}
    if a.place != "Quảng Trị":
        issuer["place"] = a.place
    out: dict[str, Any] = {"output_name": output_name(a), "issuer": issuer, "number": a.number}
    if a.date != DEFAULT_DATE:
        out["date"] = a.date.isoformat()
    out["signer"] = a.signer
    out["body"] = body(a)
    if a.cc != DEFAULT_CC:
        out["cc"] = a.cc
    if a.drafter:
        out["drafter"] = {"initials": a.drafter}
    return out


DEFAULTS: dict[str, Any] = {
    "issuer": {"place": "Quảng Trị"},
    "date": DEFAULT_DATE.isoformat(),
    "subject": SUBJECT,
    "recipients": RECIPIENTS,
    "cc": DEFAULT_CC,
}


# --- Sở Nội vụ writes to the ten district UBNDs -------------------------------------------------

SNV_INTRO = (
    "Thực hiện Chỉ thị số 16/CT-TTg ngày 31/3/2020 của Thủ tướng Chính phủ về thực hiện các biện pháp "
    "cấp bách phòng, chống dịch Covid-19 và Công điện số 03/CĐ-UBND ngày 31/3/2020 của UBND tỉnh; để "
    "tổng hợp tình hình cán bộ, công chức, viên chức làm việc tại nhà, xử lý công việc qua môi trường "
    "mạng, báo cáo UBND tỉnh và phối hợp với Sở Thông tin và Truyền thông (theo Văn bản số "
    "249/STTTT-CNTT ngày 03/4/2020), Sở Nội vụ đề nghị Quý Ủy ban báo cáo các nội dung sau:"
)
SNV_ITEMS = [
    "1. Tổng số cán bộ, công chức, viên chức và người lao động của các cơ quan chuyên môn, Văn phòng "
    "HĐND và UBND và các đơn vị sự nghiệp trực thuộc; số người làm việc tại nhà, số người làm việc tại "
    "cơ quan theo lịch trực (tính đến hết ngày 10/4/2020).",
    "2. Việc ứng dụng công nghệ thông tin khi làm việc tại nhà: sử dụng Hệ thống quản lý văn bản và "
    "điều hành, chữ ký số chuyên dùng, hộp thư điện tử công vụ, họp trực tuyến; số văn bản đã phát hành "
    "có ký số từ ngày 01/4/2020.",
    "3. Việc chấp hành kỷ luật, kỷ cương hành chính và chế độ thông tin liên lạc của cán bộ, công "
    "chức, viên chức làm việc tại nhà; những khó khăn, vướng mắc và đề xuất, kiến nghị.",
]
SNV_DEADLINE = (
    "Báo cáo gửi về Sở Nội vụ (qua Phòng Công chức, viên chức) trước ngày 13/4/2020 qua Hệ thống quản "
    "lý văn bản và điều hành của tỉnh để tổng hợp, báo cáo UBND tỉnh."
)
SNV_CLOSE = "Sở Nội vụ rất mong nhận được sự phối hợp của Quý Ủy ban."
SNV_BODY = [SNV_INTRO, *SNV_ITEMS, SNV_DEADLINE, SNV_CLOSE]

# The body's one extra sentence for the districts with a particular situation.
SNV_EXTRA = {
    "ubnd-huong-hoa": "Đề nghị báo cáo rõ tình hình đường truyền Internet và thiết bị làm việc của cán "
    "bộ, công chức tại các xã vùng sâu, vùng biên giới để Sở Nội vụ phối hợp với Sở Thông tin và "
    "Truyền thông đề xuất giải pháp hỗ trợ.",
    "ubnd-dakrong": "Đề nghị báo cáo rõ tình hình đường truyền Internet và thiết bị làm việc của cán bộ, "
    "công chức tại các xã đặc biệt khó khăn để Sở Nội vụ phối hợp với Sở Thông tin và Truyền thông đề "
    "xuất giải pháp hỗ trợ.",
    "ubnd-con-co": "Do đặc thù huyện đảo, đề nghị báo cáo riêng số cán bộ, công chức thường trực trên "
    "đảo và số đang ở đất liền xử lý công việc qua môi trường mạng.",
}

SNV_DEFAULTS: dict[str, Any] = {
    "issuer": {
        "parent": PROVINCE,
        "name": "SỞ NỘI VỤ",
        "short_name": "Sở Nội vụ",
        "abbreviation": "SNV",
        "unit": "CCVC",
        "place": "Quảng Trị",
    },
    "date": "2020-04-06",
    "urgency": "KHẨN",
    "subject": "báo cáo tình hình cán bộ, công chức, viên chức làm việc tại nhà trong thời gian cách ly "
    "xã hội phòng, chống dịch Covid-19",
    "body": SNV_BODY,
    "signer": kt("GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Quang Thành"),
    "cc": ["UBND tỉnh (để b/c)", "Sở Thông tin và Truyền thông", "Giám đốc, các PGĐ Sở"],
    "archive": {"copies": 2},
}


def snv_records() -> list[dict[str, Any]]:
    out = []
    for a in AGENCIES:
        if not a.district:
            continue
        where = a.short.removeprefix("UBND ")
        rec: dict[str, Any] = {
            "output_name": "snv-gui-" + a.slug,
            "recipients": [f"Ủy ban nhân dân {where}"],
        }
        if a.slug in SNV_EXTRA:
            rec["body"] = [SNV_INTRO, *SNV_ITEMS, SNV_EXTRA[a.slug], SNV_DEADLINE, SNV_CLOSE]
        out.append(rec)
    return out


# --- writers ------------------------------------------------------------------------------------


def workbook_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The workbook `wfhdoc mau-excel` writes (the clerk's headers, notes, lists, the sheet
    'Giải thích'), with a row per agency."""
    return mau_excel_bytes(rows=rows, stamp=STAMP)


def header(name: str) -> str:
    """A column's header as the workbook has it: its Vietnamese label, '*' when required."""
    column = BY_FIELD[name]
    return column.label + (" *" if column.required else "")


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """As Excel's 'CSV UTF-8 (Comma delimited)': a BOM, CRLF rows, dates as shown in the sheet."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header(name) for name in COLUMNS])
    for values in rows:
        cells = []
        for name in COLUMNS:
            value = values[name]
            if isinstance(value, dt.date):
                value = dd_mm(value)
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path} ({len(data):,} bytes)")


def main(out: Path = EXAMPLES) -> None:
    """Write the samples under `out` (default data/examples; tests pass a scratch folder)."""
    rows = [row(a) for a in AGENCIES]
    write(out / "bao-cao-wfh-quang-tri.xlsx", workbook_bytes(rows))
    write(out / "bao-cao-wfh-quang-tri.csv", csv_bytes(rows))
    batch = out / BATCH.relative_to(EXAMPLES)
    write(
        batch / "bao-cao-wfh-quang-tri.json",
        json_bytes({"defaults": DEFAULTS, "records": [record(a) for a in AGENCIES]}),
    )
    write(batch / "defaults-quang-tri.json", json_bytes(DEFAULTS))
    write(
        batch / "so-noi-vu-gui-huyen.json", json_bytes({"defaults": SNV_DEFAULTS, "records": snv_records()})
    )


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write the batch samples of data/examples/.")
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder to write them in")
    main(parser.parse_args().out)
