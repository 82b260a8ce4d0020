"""The translation catalogs: extract the marked messages, merge them into the .po, compile the .mo.

    python tools/i18n.py extract    wfh_docs/locale/wfhdoc.pot from every _(), ngettext(), N_()
    python tools/i18n.py update     extract, then merge into wfh_docs/locale/vi/LC_MESSAGES/wfhdoc.po
                                    (new messages arrive untranslated; the test lists them)
    python tools/i18n.py compile    wfhdoc.po -> wfhdoc.mo, byte for byte the same on every machine
    python tools/i18n.py missing    the messages without a translation, as JSON {msgid: ""}
    python tools/i18n.py translate F.json   put F's {msgid: msgstr} into the .po (then compile)

Babel's own `pybabel extract/update/compile` do the same; this script fixes their options (no
line numbers, no dates that change on every run) so that the catalogs only change with the text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wfh_docs"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "wfhdoc.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# a fixed date: the catalogs' headers then change only when their text does
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def po_path(lang: str = "vi") -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "wfhdoc.po"


def extract() -> Catalog:
    catalog = Catalog(project="wfhdoc", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False)
    # the browser app's page templates too: {{ _("...") }} read by Jinja's own extractor
    method_map = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options_map = {"**/templates/**.html": {"trimmed": "false"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE),
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    ):
        catalog.add(
            message, None, [(f"wfh_docs/{filename}", lineno)], auto_comments=comments, context=context
        )
    return catalog


def _write_po(catalog: Catalog, path: Path) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, include_lineno=False, sort_output=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def read_catalog(path: Path, lang: str = "vi") -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def update(lang: str = "vi") -> Catalog:
    template = extract()
    _write_po(template, POT)
    path = po_path(lang)
    if path.exists():
        catalog = read_catalog(path, lang)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(
            locale=lang, project="wfhdoc", creation_date=EPOCH, revision_date=EPOCH, fuzzy=False
        )
        catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = EPOCH
    catalog.revision_date = EPOCH
    _write_po(catalog, path)
    return catalog


def compiled(lang: str = "vi") -> bytes:
    """The .mo bytes the .po compiles to.

    Written here, in GNU's layout, rather than by babel's write_mo: that one writes babel's own
    version into the header, so the same .po would compile differently after a babel upgrade."""
    catalog = read_catalog(po_path(lang), lang)
    header = (
        f"Language: {lang}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: 8bit\nPlural-Forms: {catalog.plural_forms}\n"
    )
    pairs: dict[bytes, bytes] = {b"": header.encode()}
    for m in catalog:
        if not m.id or m.fuzzy or not m.string:
            continue
        if isinstance(m.id, tuple):
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if not all(strings):
                continue
            key = "\0".join(m.id).encode()
            value = "\0".join(strings).encode()
        else:
            key, value = str(m.id).encode(), str(m.string).encode()
        if m.context:
            key = m.context.encode() + b"\x04" + key
        pairs[key] = value
    keys = sorted(pairs)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(pairs[k] + b"\0" for k in keys)
    n = len(keys)
    start = 7 * 4 + 16 * n  # header, then the two tables of (length, offset)
    key_table, value_table = [], []
    offset = start
    for k in keys:
        key_table += [len(k), offset]
        offset += len(k) + 1
    for k in keys:
        value_table += [len(pairs[k]), offset]
        offset += len(pairs[k]) + 1
    tables = key_table + value_table
    head = struct.pack("<7I", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    return head + struct.pack(f"<{len(tables)}I", *tables) + ids + strs


def compile_mo(lang: str = "vi") -> Path:
    target = po_path(lang).with_suffix(".mo")
    target.write_bytes(compiled(lang))
    return target


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else ""
    if verb == "extract":
        _write_po(extract(), POT)
        print(f"wrote {POT.relative_to(ROOT)}")
    elif verb == "update":
        catalog = update()
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"wrote {po_path().relative_to(ROOT)}: {len(missing)} message(s) without a translation")
    elif verb == "missing":
        catalog = read_catalog(po_path())
        print(json.dumps({m.id: "" for m in catalog if m.id and not m.string}, ensure_ascii=False, indent=1))
    elif verb == "translate" and len(argv) == 2:
        given = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        catalog = read_catalog(po_path())
        unknown = [k for k in given if k not in catalog]
        for msgid, text in given.items():
            message = catalog.get(msgid)
            if message is None or not text:
                continue
            if isinstance(message.id, tuple):  # a plural: its forms, one in Vietnamese
                message.string = tuple(text) if isinstance(text, list) else (text,)
            else:
                message.string = text
        _write_po(catalog, po_path())
        print(f"translated {len(given) - len(unknown)}; not in the catalog: {len(unknown)}")
        for k in unknown:
            print(f"  {k!r}")
    elif verb == "compile":
        print(f"wrote {compile_mo().relative_to(ROOT)}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
