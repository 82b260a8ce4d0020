"""Does a consolidated report grow linearly with the agencies of its round, in time and memory?

    python benchmarks/tong_hop.py [--small 100] [--big 1000]

Makes a round of --small and one of --big agencies (the Quảng Trị sample form with made-up
agencies, every tenth answer wrong, every twentieth missing), runs `tong-hop` on each workbook
(answers read and checked, totals, charts of 40 agencies each, the report rendered, the
reminders built) and prints the time per agency of each, their ratio (target: within 2), and
the peak memory of the Python heap of each run (tracemalloc) and their ratio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.report.consolidate import tong_hop  # noqa: E402
from wfh_docs.report.form import ReportForm, load_form  # noqa: E402
from wfh_docs.report.sheet import report_workbook_bytes  # noqa: E402

FORM = ROOT / "data" / "examples" / "tong-hop" / "report-form.yaml"


def _round(form: ReportForm, n: int) -> tuple[ReportForm, list[dict[str, Any]]]:
    names = [f"Cơ quan số {k:04d}" for k in range(1, n + 1)]
    agencies = [{"name": a, "abbreviation": f"CQ{k}"} for k, a in enumerate(names, start=1)]
    big = form.model_copy(update={"agencies": [form.agencies[0].model_validate(a) for a in agencies]})
    rows = []
    for k, name in enumerate(names, start=1):
        if k % 20 == 0:
            continue
        staff = 30 + k % 70
        home = staff * 2 // 3
        rows.append({
            "issuer.name": name.upper(), "issuer.short_name": name, "issuer.abbreviation": f"CQ{k}",
            "staff": staff, "home": home, "office": staff - home + (1 if k % 10 == 0 else 0),
            "sent": 50 + k % 90, "signed": 40 + k % 50, "meetings": k % 7, "online_services": k % 100,
            "mobile": "có", "readiness": "Tốt",
        })  # fmt: skip
    return big, rows


def _run(form: ReportForm, n: int) -> tuple[float, int]:
    big, rows = _round(form, n)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "answers.xlsx"
        book.write_bytes(report_workbook_bytes(big, rows))
        tracemalloc.start()
        start = time.perf_counter()
        tong_hop(big, [book], Path(tmp) / "out")
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--big", type=int, default=1000)
    args = parser.parse_args()
    form = load_form(FORM)
    small_t, small_m = _run(form, args.small)
    big_t, big_m = _run(form, args.big)
    per_small, per_big = small_t / args.small, big_t / args.big
    for n, t, m in ((args.small, small_t, small_m), (args.big, big_t, big_m)):
        print(f"{n} agencies: {t:.1f} s ({t / n * 1000:.1f} ms each), peak {m / 2**20:.0f} MB")
    print(f"time per agency, big / small: {per_big / per_small:.2f} (target: at most 2)")
    print(
        f"peak memory, big / small: {big_m / small_m:.2f} for {args.big / args.small:.0f} times the agencies"
    )


if __name__ == "__main__":
    main()
