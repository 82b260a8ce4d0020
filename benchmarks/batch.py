"""How fast wfhdoc batch builds letters, against a plain docxtpl loop, in one run.

    python benchmarks/batch.py [--letters 1000] [--rounds 5] [--memory-letters 10000] [--no-memory]

Prints letters per second for
  (a) a plain docxtpl loop: validate, load the template, render, save, for each letter;
  (b) wfhdoc batch with one worker;
  (c) wfhdoc batch with one worker per core;
and the ratios b/a (target >= 10) and c/b (target >= 1.7), for two batches: the 27 agencies of
the sample reporting (one-page letters, no two alike), and the reference letter with its
four-page phụ lục sent to as many recipients. All three build the same letters from the same
template, into fresh folders, each in a new Python process; times are wall-clock on this
machine, and (b) and (c) take --rounds turns, the best of each counting (a shared machine has
slow spells). Then the peak memory of a batch of --memory-letters letters against one of 100
(target <= 1.5): letters are streamed to disk, not held.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docxtpl import DocxTemplate  # noqa: E402
from jinja2 import Environment  # noqa: E402

from wfh_docs.batch.records import deep_merge  # noqa: E402
from wfh_docs.batch.run import run_batch  # noqa: E402
from wfh_docs.letter.sources import validate  # noqa: E402
from wfh_docs.render import DEFAULT_TEMPLATE, Template, context  # noqa: E402

REFERENCE = ROOT / "data" / "examples" / "cong-van-451-SCT-VP-2020.json"
SAMPLE = ROOT / "data" / "examples" / "batch" / "bao-cao-wfh-quang-tri.json"


_DIGITS = re.compile(r"\d+")


def dataset(kind: str, n: int) -> tuple[dict, list[dict]]:
    """Defaults and n records. "sample": the 27 agencies of Quảng Trị reporting (a one-page
    letter each), cycled, each with its own number and its own figures, so that no two letters
    share a paragraph, as n agencies' reports would not; "reference": công văn 451/SCT-VP with
    its four-page phụ lục, to a different recipient each time (one letter to many agencies)."""
    if kind == "reference":
        defaults = json.loads(REFERENCE.read_text(encoding="utf-8"))
        defaults.pop("$schema", None)
        return defaults, [{"number": i, "recipients": [f"Đơn vị số {i}"]} for i in range(1, n + 1)]
    batch = json.loads(SAMPLE.read_text(encoding="utf-8"))
    agencies = batch["records"]
    records = []
    for i in range(n):
        record = dict(agencies[i % len(agencies)])
        record["number"] = i + 1
        shift = i // len(agencies)
        record["body"] = [_DIGITS.sub(lambda m, k=shift: str(int(m.group()) + k), p) for p in record["body"]]
        record.pop("output_name", None)
        records.append(record)
    return batch["defaults"], records


def batch_file(folder: Path, kind: str, n: int) -> Path:
    defaults, records = dataset(kind, n)
    path = folder / f"{kind}-{n}.json"
    path.write_text(
        json.dumps({"defaults": defaults, "records": records}, ensure_ascii=False), encoding="utf-8"
    )
    return path


def plain_docxtpl(kind: str, n: int, out: Path) -> float:
    """What a user of docxtpl writes: for every letter, validate the data, load the template,
    render (with autoescape, so no text is lost), save."""
    defaults, records = dataset(kind, n)
    sect = Template().letter_sect
    env = Environment(autoescape=True)
    out.mkdir()
    start = time.perf_counter()
    for rec in records:
        letter = validate(deep_merge(defaults, rec), "bench")
        ctx = context(letter, sect)
        doc = DocxTemplate(DEFAULT_TEMPLATE)
        doc.render(ctx.values, jinja_env=env)
        doc.save(out / f"{rec['number']}.docx")
    return n / (time.perf_counter() - start)


def wfhdoc_batch(source: Path, out: Path, workers: int, n: int) -> float:
    start = time.perf_counter()
    report = run_batch(source, out, workers=workers)
    elapsed = time.perf_counter() - start
    assert report.count("built") == n, [r.message for r in report.rows if r.message][:3]
    return n / elapsed


_PEAK = """
import json, resource, sys
sys.path.insert(0, {root!r})
from pathlib import Path
from wfh_docs.batch.run import run_batch
report = run_batch(Path({source!r}), Path({out!r}), workers={workers})
assert report.count("built") == {n}
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"parent": self_kb, "worker": children_kb}}))
"""


def peak_memory(folder: Path, n: int, workers: int) -> dict[str, int]:
    source = batch_file(folder, "reference", n)
    code = _PEAK.format(
        root=str(ROOT), source=str(source), out=str(folder / f"mem-{n}"), workers=workers, n=n
    )
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def file_cost(folder: Path, n: int = 300) -> float:
    """Microseconds to create, write and rename a letter-sized file on this disk, now.

    Every contender pays it for every letter, the fastest the most. It changes with the disk's
    recent past: for minutes after many files were deleted, ext4 scans past the freed inodes
    for each new file (seen here: 14 us a file on a quiet disk, 250 us after a test run), so it
    is printed, to tell a slow disk from a slow program. The files stay until the end: deleting
    them now would slow the runs that follow."""
    probe = folder / "disk-probe"
    probe.mkdir()
    data = os.urandom(9000)
    start = time.perf_counter()
    for i in range(n):
        tmp = probe / f".{i}.tmp"
        tmp.write_bytes(data)
        tmp.rename(probe / f"{i}.docx")
    return (time.perf_counter() - start) / n * 1e6


_FRESH = """
import sys
sys.path[:0] = [{root!r}, {here!r}]
from pathlib import Path
import batch as bench
print(bench.{call})
"""


def fresh(call: str) -> float:
    """Run `call` (a function of this file, timing itself) in a new Python process, as a user
    runs wfhdoc: no contender inherits another's memory, imports or garbage."""
    code = _FRESH.format(root=str(ROOT), here=str(Path(__file__).resolve().parent), call=call)
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


def speed(folder: Path, kind: str, n: int, cores: int, rounds: int) -> tuple[float, float]:
    source = batch_file(folder, kind, n)
    a = fresh(f"plain_docxtpl({kind!r}, {n}, Path({str(folder / f'{kind}-a')!r}))")
    bs: list[float] = []
    cs: list[float] = []
    for r in range(rounds):  # b and c take turns, so that a slow spell of the machine hits both
        bs.append(
            fresh(f"wfhdoc_batch(Path({str(source)!r}), Path({str(folder / f'{kind}-b{r}')!r}), 1, {n})")
        )
        cs.append(
            fresh(
                f"wfhdoc_batch(Path({str(source)!r}), Path({str(folder / f'{kind}-c{r}')!r}), {cores}, {n})"
            )
        )
    b, c = max(bs), max(cs)

    def runs(xs: list[float]) -> str:
        return f"best of {rounds}: " + ", ".join(f"{x:.0f}" for x in xs) if rounds > 1 else "one run"

    print(f"  (a) plain docxtpl loop        {a:8.1f} letters/s")
    print(f"  (b) wfhdoc batch, 1 worker    {b:8.1f} letters/s  ({runs(bs)})")
    print(f"  (c) wfhdoc batch, {cores} workers   {c:8.1f} letters/s  ({runs(cs)})")
    print(f"  b/a = {b / a:.1f}   (target >= 10)")
    print(f"  c/b = {c / b:.2f}  (target >= 1.7)")
    return b / a, c / b


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000, help="letters per speed run (default 1000)")
    parser.add_argument(
        "--memory-letters", type=int, default=10_000, help="the large memory run (default 10000)"
    )
    parser.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    parser.add_argument(
        "--rounds", type=int, default=5, help="runs of (b) and (c), taking turns; the best counts (default 5)"
    )
    args = parser.parse_args()
    n = args.letters
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="wfhdoc-bench-") as tmp:
        folder = Path(tmp)
        print(f"creating a letter-sized file in {tmp}: {file_cost(folder):.0f} us")
        print(f"{n} letters of the 27-agency sample (one page each), {cores} cores")
        speed(folder, "sample", n, cores, args.rounds)
        print(f"{n} copies of the reference letter with its four-page phụ lục")
        speed(folder, "reference", n, cores, args.rounds)
        if not args.no_memory:
            small = peak_memory(folder, 100, cores)
            big = peak_memory(folder, args.memory_letters, cores)
            for who in ("parent", "worker"):
                ratio = big[who] / small[who]
                print(
                    f"peak memory, {who:6}: {small[who] / 1024:6.1f} MiB for 100 letters, "
                    f"{big[who] / 1024:6.1f} MiB for {args.memory_letters}: ratio {ratio:.2f} (target <= 1.5)"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
