"""Does building a letter grow linearly with its paragraphs and table rows?

    python benchmarks/linear.py [--small 2000] [--big 100000] [--rounds 3]

Builds (validates, renders, verifies and zips) the reference letter with a body of --small and
of --big paragraphs of 500 characters, then with a phụ lục table of --small and --big rows
(a number, a name and a 100-character note), and prints the time per paragraph or row of each
and their ratio (target: the big letter's time per paragraph within 2 times the small one's).
Each size takes the best of --rounds runs in this process; the template is compiled once.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.letter.sources import validate  # noqa: E402
from wfh_docs.render import Template  # noqa: E402

REFERENCE = ROOT / "data" / "examples" / "cong-van-451-SCT-VP-2020.json"
_TEXT = "Nội dung báo cáo tình hình làm việc tại nhà của cơ quan, đơn vị trong tháng. "


def _paragraph(i: int, size: int = 500, salt: int = 0) -> str:
    return (f"Đoạn {i}.{salt}: " + _TEXT * (size // len(_TEXT) + 1))[:size].rstrip()


def letter_data(kind: str, n: int, salt: int = 0) -> dict[str, Any]:
    """The letter with n paragraphs or rows; each salt gives other text, so that no round finds
    the paragraphs of the one before in the renderer's caches."""
    data = json.loads(REFERENCE.read_text(encoding="utf-8"))
    data.pop("$schema", None)
    if kind == "paragraphs":
        data["body"] = [_paragraph(i, salt=salt) for i in range(n)] + ["Chi tiết tại Phụ lục đính kèm."]
    else:
        rows = [[i + 1, f"Đơn vị số {i + 1}", _paragraph(i, 100, salt)] for i in range(n)]
        data["appendices"] = [
            {
                "title": "Danh sách đơn vị",
                "content": [{"table": {"columns": ["STT", "Đơn vị", "Ghi chú"], "rows": rows}}],
            }
        ]
    return data


def build_time(template: Template, kind: str, n: int, rounds: int) -> float:
    best = float("inf")
    for salt in range(rounds):
        data = letter_data(kind, n, salt + 1)
        start = time.perf_counter()
        template.render(validate(data, f"{kind}-{n}"))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=2000, help="paragraphs or rows of the small letter")
    parser.add_argument("--big", type=int, default=100_000, help="paragraphs or rows of the big letter")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each size; the best counts")
    args = parser.parse_args()
    template = Template()
    template.render(validate(letter_data("paragraphs", 10), "warm-up"))
    worst = 0.0
    for kind in ("paragraphs", "rows"):
        per = {}
        for n in (args.small, args.big):
            seconds = build_time(template, kind, n, args.rounds)
            per[n] = seconds / n
            print(f"{n:>8,} {kind:<10} {seconds:8.2f} s   {per[n] * 1e6:7.1f} us per {kind[:-1]}")
        ratio = per[args.big] / per[args.small]
        worst = max(worst, ratio)
        print(
            f"  {kind}: time per {kind[:-1]}, {args.big:,} against {args.small:,}: {ratio:.2f} (target <= 2)"
        )
    print(f"worst ratio {worst:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
