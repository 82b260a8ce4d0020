"""The decree's page geometry and sizes that wfhdoc chooses inside ND 30's ranges, in one place.

All lengths are in twips (1/20 pt; 1 mm = 56.7 twips). Each value sits inside the range of
Nghị định 30/2020, Phụ lục I (see docs/nd30-format.md in the shared docs); where the decree
gives a range we take what the Government's own files use.
"""

from __future__ import annotations

from dataclasses import dataclass

from .metrics import text_width_twips

TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Layout:
    # A4 portrait; margins of 30_2020_ND_CP.docx: top 25, bottom 20, left 35, right 20 mm.
    page_width: int = 11906
    page_height: int = 16838
    margin_top: int = 1418
    margin_bottom: int = 1134
    margin_left: int = 1985
    margin_right: int = 1134
    header_distance: int = 567
    footer_distance: int = 567
    # Header table: ô 2/3/5b on the left, ô 1/4 on the right. The right column must hold
    # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" at 12 pt bold on one line (5007 twips).
    header_left: int = 3600
    header_right: int = 5187
    agency_size: int = 13
    quoc_hieu_size: int = 12
    tieu_ngu_size: int = 13
    date_size: int = 14
    number_before: int = 0
    # Kính gửi and body: 14 pt, justified, first line 1 cm, 6 pt between paragraphs.
    body_size: int = 14
    body_indent: int = 567
    body_before: int = 120
    body_line: int = 240
    recipients_before: int = 240
    recipients_left: int = 1985
    # Signature block: Nơi nhận on the left, 7a/7c/7b on the right.
    signature_left: int = 3686
    signature_right: int = 5101
    signer_size: int = 14
    signature_space: int = 1800
    appendix_title_size: int = 14
    appendix_ref_size: int = 14
    table_size: int = 13

    @property
    def text_width(self) -> int:
        return self.page_width - self.margin_left - self.margin_right

    @property
    def recipients_item_left(self) -> int:
        """Recipients' dashes stand under the colon of "Kính gửi:" (Phụ lục I, II.9.d)."""
        colon = text_width_twips("Kính gửi", self.body_size)
        return self.recipients_left + colon + self.recipients_item_hanging

    @property
    def recipients_item_hanging(self) -> int:
        # Wrapped lines of a long recipient start under its first letter, not under the dash.
        return text_width_twips("- ", self.body_size)

    @property
    def cc_hanging(self) -> int:
        # The dash stands at the left margin (II.9.d); a wrapped name continues under its text.
        return text_width_twips("- ", 11)


LAYOUT = Layout()


def tieu_ngu_rule_indent(layout: Layout = LAYOUT) -> int:
    """Indent on each side of the rule under the tiêu ngữ, which is as long as the tiêu ngữ."""
    width = text_width_twips(TIEU_NGU, layout.tieu_ngu_size, bold=True)
    return max(0, (layout.header_right - width) // 2)


def agency_rule_indent(name_lines: list[str], layout: Layout = LAYOUT) -> int:
    """Indent on each side of the rule under the agency name: 2/5 of the name's longest line.

    The decree asks for 1/3 to 1/2 of the line's length; a name wider than the column wraps,
    so the line is at most the column wide.
    """
    longest = max(
        (text_width_twips(line, layout.agency_size, bold=True, caps=True) for line in name_lines),
        default=0,
    )
    rule = min(longest, layout.header_left) * 2 // 5
    return max(0, (layout.header_left - rule) // 2)
