"""How fast wfh_docs.pdf.convert() turns letters into PDFs, against one soffice process per file, in one run.

    python benchmarks/pdf.py [--letters 50] [--examples] [--workers N]

Builds the letters first (wfhdoc batch on the 27-agency sample of Quảng Trị, cycled, each with
its own number; or, with --examples, the sample letters of data/examples cycled, among them the
reference letter with its four-page phụ lục), then times on the same files:
  (1) the naive way: `soffice --headless --convert-to pdf --outdir OUT file`, one process per
      file, one after the other (one private profile, made by the first call, reused);
  (2) wfh_docs.pdf.convert: chunks of files through one long-lived soffice per worker;
  (3) the same with one worker, to tell chunking from parallelism;
and prints seconds and files/s for each and the ratio 2/1 (target >= 8).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wfh_docs.batch.run import run_batch  # noqa: E402
from wfh_docs.letter.sources import load_letter  # noqa: E402
from wfh_docs.pdf import convert, find_soffice  # noqa: E402
from wfh_docs.render.template import Template  # noqa: E402

SAMPLE = ROOT / "data" / "examples" / "batch" / "bao-cao-wfh-quang-tri.json"
EXAMPLES = ROOT / "data" / "examples"


def build_sample(folder: Path, n: int) -> list[Path]:
    batch = json.loads(SAMPLE.read_text(encoding="utf-8"))
    records = []
    for i in range(n):
        record = dict(batch["records"][i % len(batch["records"])])
        record["number"] = i + 1
        record.pop("output_name", None)
        records.append(record)
    source = folder / "batch.json"
    source.write_text(
        json.dumps({"defaults": batch["defaults"], "records": records}, ensure_ascii=False), encoding="utf-8"
    )
    out = folder / "docx"
    report = run_batch(source, out)
    assert report.count("built") == n, [r.message for r in report.rows if r.message][:3]
    return sorted(out.glob("*.docx"))


def build_examples(folder: Path, n: int) -> list[Path]:
    template = Template()
    letters = [load_letter(p).letter for p in sorted(EXAMPLES.glob("*.json"))]
    out = folder / "docx"
    out.mkdir()
    files = []
    for i in range(n):
        path = out / f"{i + 1:03d}.docx"
        path.write_bytes(template.render(letters[i % len(letters)]).data)
        files.append(path)
    return files


def naive(soffice: str, files: list[Path], out: Path, profile: Path) -> float:
    start = time.perf_counter()
    for path in files:
        subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={profile.as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    elapsed = time.perf_counter() - start
    made = list(out.glob("*.pdf"))
    assert len(made) == len(files), f"the naive way made {len(made)} PDFs of {len(files)}"
    return elapsed


def pooled(files: list[Path], out: Path, workers: int | None) -> float:
    start = time.perf_counter()
    results = convert(files, out, workers=workers)
    elapsed = time.perf_counter() - start
    failed = [r.message for r in results if not r.ok]
    assert not failed, failed[:3]
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=50, help="letters to convert (default 50)")
    parser.add_argument("--examples", action="store_true", help="cycle data/examples/*.json instead")
    parser.add_argument("--workers", type=int, default=None, help="workers for (2) (default: one per core)")
    args = parser.parse_args()
    n = args.letters
    soffice = find_soffice()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="wfhdoc-bench-pdf-") as tmp:
        folder = Path(tmp)
        # a private profile even here: the user's own LibreOffice settings stay untouched
        version = subprocess.run(
            [soffice, f"-env:UserInstallation={(folder / 'v').as_uri()}", "--version"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        files = build_examples(folder, n) if args.examples else build_sample(folder, n)
        kind = "sample letters of data/examples" if args.examples else "letters of the 27-agency batch sample"
        print(f"{n} {kind}, {cores} cores, {version}")
        a = naive(soffice, files, folder / "naive", folder / "profile")
        b = pooled(files, folder / "pooled", args.workers)
        c = pooled(files, folder / "pooled-1", 1)
        workers = args.workers or cores
        print(f"  (1) one soffice per file, sequential   {a:7.2f} s  {n / a:6.1f} files/s")
        print(f"  (2) wfh_docs.pdf.convert, {workers} workers   {b:7.2f} s  {n / b:6.1f} files/s")
        print(f"  (3) wfh_docs.pdf.convert, 1 worker     {c:7.2f} s  {n / c:6.1f} files/s")
        print(f"  ratio (2)/(1) = {a / b:.1f}   (target >= 8)")
        print(f"  ratio (3)/(1) = {a / c:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
