"""Input at the boundary: JSON files in, clean validated Letters out, every problem located.

Reading a letter goes: bytes -> text (UTF-8, or UTF-16 with its BOM) -> JSON (duplicate keys
and NaN refused) -> clean strings (NFC, line ends, control characters removed with a warning
naming the JSON path) -> Letter (pydantic; every error collected, translated into plain words
with its JSON path and a hint: letter.problems). Nothing here prints: callers get an
InputError or warnings.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..i18n import _
from .images import images_beside
from .labels import field_name
from .model import Letter
from .problems import json_path, json_type, problem, problem_from_error
from .types import TYPES, type_id


@dataclass(frozen=True)
class Loaded:
    letter: Letter
    warnings: list[str]


def _at(line: int, column: int) -> str:
    return _("line {line}, column {column}").format(line=line, column=column)


# --- bytes to JSON -----------------------------------------------------------------------


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode" is UTF-16 with a BOM: unambiguous, so we read it.
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                source,
                [
                    Problem(
                        "",
                        _("broken UTF-16 text ({reason})").format(reason=exc.reason),
                        _("save the file again as UTF-8"),
                    )
                ],
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            source,
            [
                Problem(
                    _at(line, column),
                    _("the file is not UTF-8 text (byte 0x{byte})").format(byte=f"{raw[exc.start]:02X}"),
                    _(
                        "save it as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8); text typed "
                        "in TCVN3 (.VnTime) or VNI fonts must be converted to Unicode first, e.g. with "
                        "UniKey's converter"
                    ),
                )
            ],
        ) from None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # a key came twice: which one?
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _duplicate_problem(text: str, key: str) -> Problem:
    # json does not say where an object ends, so point at the key's second appearance
    found = [m.start() for m in re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)]
    where = ""
    if len(found) >= 2:
        pos = found[1]
        line = text.count("\n", 0, pos) + 1
        where = _at(line, pos - (text.rfind(chr(10), 0, pos) + 1) + 1)
    return Problem(
        where,
        _("the key {key} appears twice in one object").format(key=json.dumps(key, ensure_ascii=False)),
        _("keep one of them: JSON readers silently drop the first, and its text would be lost"),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(_("{name} is not a number JSON allows").format(name=name))


def parse_json(raw: bytes, source: str) -> Any:
    text = _decode(raw, source)
    if not text.strip():
        raise InputError(
            source,
            [
                Problem(
                    "",
                    _("the file is empty"),
                    _("it must hold one letter as a JSON object; see data/examples/"),
                )
            ],
        )
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicates, parse_float=Decimal, parse_constant=_no_constant
        )
    except _DuplicateKey as exc:
        raise InputError(source, [_duplicate_problem(text, exc.key)]) from None
    except json.JSONDecodeError as exc:
        line_text = text.splitlines()[exc.lineno - 1] if exc.lineno - 1 < len(text.splitlines()) else ""
        raise InputError(
            source,
            [
                Problem(
                    _at(exc.lineno, exc.colno),
                    (
                        _("not valid JSON: {error} in: {line}").format(
                            error=exc.msg, line=line_text.strip()[:80]
                        )
                        if line_text.strip()
                        else _("not valid JSON: {error}").format(error=exc.msg)
                    ),
                    _("look for a missing comma, quote or bracket at or just before this place"),
                )
            ],
        ) from None
    except ValueError as exc:
        raise InputError(
            source,
            [Problem("", _("not valid JSON: {error}").format(error=exc), _("write numbers as digits"))],
        ) from None
    except RecursionError:
        raise InputError(
            source,
            [
                Problem(
                    "",
                    _("the JSON is nested too deeply to be a letter"),
                    _("check the brackets [ ] and braces { }"),
                )
            ],
        ) from None


def read_bytes(path: Path) -> bytes:
    source = str(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            source, [Problem("", _("file not found"), _("check the path and the file name"))]
        ) from None
    except IsADirectoryError:
        raise InputError(
            source,
            [Problem("", _("this is a folder, not a file"), _("give the path of one .json letter file"))],
        ) from None
    except PermissionError:
        raise InputError(
            source, [Problem("", _("permission denied"), _("check that you may read the file"))]
        ) from None
    except OSError as exc:
        raise InputError(
            source, [Problem("", _("cannot read the file ({error})").format(error=exc.strerror), "")]
        ) from None


# --- cleaning strings ----------------------------------------------------------------------


# C0 and C1 controls but tab and newline, DEL, lone surrogates (JSON can carry "\ud800":
# not text, and not allowed in XML), and the non-characters U+FFFE/U+FFFF.
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@functools.lru_cache(maxsize=16384)
def _cleaned(value: str) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The clean text and the (position, character) of each character removed. Cached: the
    records of a batch share most of their text."""
    text = value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    removed: tuple[tuple[int, str], ...] = ()
    if _BAD.search(text):
        removed = tuple((m.start() + 1, m.group()) for m in _BAD.finditer(text))
        text = _BAD.sub("", text)
    # TCVN 6909:2001 text is precomposed: store NFC (decomposed input comes from macOS,
    # some PDFs and UniKey's "Unicode tổ hợp").
    if not (text.isascii() or unicodedata.is_normalized("NFC", text)):
        text = unicodedata.normalize("NFC", text)
    return text, removed


def clean_text(value: str, where: str | tuple[int | str, ...], warnings: list[str]) -> str:
    """NFC, one kind of line end, no control characters (each removal becomes a warning)."""
    text, removed = _cleaned(value)
    if removed:
        place = field_name(where if isinstance(where, str) else json_path(where))
        for position, ch in removed:
            name = (
                "lone surrogate" if 0xD800 <= ord(ch) <= 0xDFFF else unicodedata.name(ch, "control character")
            )
            warnings.append(
                _(
                    "{place}: removed U+{code} ({name}) at position {position}; "
                    "it cannot appear in a Word document"
                ).format(place=place, code=f"{ord(ch):04X}", name=name, position=position)
            )
    return text


def clean_tree(value: Any, loc: tuple[int | str, ...], warnings: list[str]) -> Any:
    if isinstance(value, str):
        return clean_text(value, loc, warnings)
    if isinstance(value, list):
        return [clean_tree(v, (*loc, i), warnings) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: clean_tree(v, (*loc, k), warnings) for k, v in value.items()}
    return value


def validate(data: Any, source: str) -> Letter:
    if not isinstance(data, dict):
        raise InputError(
            source,
            [
                Problem(
                    "$",
                    _("the top level must be an object {{ ... }} holding one letter, not {kind}").format(
                        kind=json_type(data)
                    ),
                    _("see data/examples/cong-van-451-SCT-VP-2020.json"),
                )
            ],
        )
    try:
        return Letter.model_validate(data)
    except ValidationError as exc:
        problems = [problem_from_error(dict(e)) for e in exc.errors()]
        raise InputError(source, problems) from None


def tidy_list_items(data: dict[str, Any], warnings: list[str]) -> None:
    """Kính gửi and Nơi nhận get their dashes and ';'/'.' from wfhdoc (ND 30, II.9.d); a
    clerk who typed them too would see them twice, so they are taken off, with a warning."""
    for key in ("recipients", "cc"):
        items = data.get(key)
        if not isinstance(items, list):
            continue
        for i, item in enumerate(items):
            if not isinstance(item, str):
                continue
            tidy = item.strip()
            if tidy[:1] in "-+" and tidy[1:2] in (" ", ""):
                tidy = tidy[1:].strip()
            if tidy.endswith(";") or (i == len(items) - 1 and tidy.endswith(".") and not tidy.endswith("..")):
                # ';' ends every line but the last, '.' the last one (only there is a '.' ours)
                tidy = tidy[:-1].rstrip()
            if tidy != item.strip() and tidy:
                warnings.append(
                    _("{place}: wrote {value}; wfhdoc adds the dash and the ';' or '.' itself").format(
                        place=field_name(json_path((key, i))), value=json.dumps(tidy, ensure_ascii=False)
                    )
                )
                items[i] = tidy
    if isinstance(data.get("cc"), list) and _adds_nhu_tren(data):
        kept = [c for c in data["cc"] if not (isinstance(c, str) and c.strip().casefold() == "như trên")]
        if len(kept) != len(data["cc"]):
            warnings.append(
                _("{place}: left out 'Như trên': wfhdoc writes it first in Nơi nhận itself").format(
                    place=field_name("$.cc")
                )
            )
            data["cc"] = kept


def _adds_nhu_tren(data: dict[str, Any]) -> bool:
    """Does wfhdoc open this letter's Nơi nhận with "Như trên" (render.contract): a công văn, a
    công điện, a giấy giới thiệu, a kind with tên loại sent to named recipients? A giấy mời or a
    kế hoạch whose clerk wrote "Như trên" keeps it."""
    given = data.get("type", "cong-van")
    found = type_id(given) if isinstance(given, str) else None
    kind = TYPES.get(found) if found else None
    if kind is None or kind.layout in ("cong-van", "telegram") or kind.id == "giay-gioi-thieu":
        return True
    return kind.layout == "named" and bool(data.get("recipients"))


# "kt", "Kt.", "KT" -> "KT.": the prefixes of ô 7a as the decree writes them (II.7.b)
_AUTHORITIES = {a.rstrip(".").casefold(): a for a in ("TM.", "KT.", "TL.", "TUQ.", "Q.")}


def tidy_authority(data: dict[str, Any], warnings: list[str]) -> None:
    """An authority prefix typed in another case or without its dot is read as the decree's."""
    signer = data.get("signer")
    if not isinstance(signer, dict) or not isinstance(signer.get("authority"), str):
        return
    typed = signer["authority"]
    found = _AUTHORITIES.get(typed.strip().rstrip(".").strip().casefold())
    if found and found != typed:
        signer["authority"] = found
        warnings.append(
            _("{place}: {typed} read as {found}").format(
                place=field_name("$.signer.authority"),
                typed=json.dumps(typed, ensure_ascii=False),
                found=repr(found),
            )
        )


def note_unnumbered(data: dict[str, Any], warnings: list[str]) -> None:
    if data.get("date") not in (None, "") and data.get("number") in (None, ""):
        warnings.append(
            _(
                "{place}: the letter has a date but no number: 'Số:' is left blank for the document "
                "system (or the register) to fill in"
            ).format(place=field_name("$.number"))
        )


def prepare_data(data: Any, *, numbered_later: bool = False) -> tuple[Any, list[str]]:
    """A letter's data as read, cleaned and tidied by the steps build, batch and the browser app
    share: control characters out and NFC (clean_tree), then the list items' own dashes and the
    authority prefix; with the warnings saying what changed. `numbered_later`: the register gives
    the number, so a date without one is what is meant."""
    warnings: list[str] = []
    cleaned = clean_tree(data, (), warnings)
    if isinstance(cleaned, dict):
        tidy_list_items(cleaned, warnings)
        tidy_authority(cleaned, warnings)
        if not numbered_later:
            note_unnumbered(cleaned, warnings)
    return cleaned, warnings


def load_letter(path: Path | str) -> Loaded:
    """Read, clean and validate one letter file."""
    path = Path(path)
    source = str(path)
    cleaned, warnings = prepare_data(parse_json(read_bytes(path), source))
    with images_beside(path.parent):  # an image block's file is beside the letter's
        letter = validate(cleaned, source)
    return Loaded(letter, [f"{source}: {w}" for w in warnings])


__all__ = [
    "Loaded",
    "clean_text",
    "clean_tree",
    "json_path",
    "json_type",
    "load_letter",
    "parse_json",
    "prepare_data",
    "problem",
    "problem_from_error",
    "read_bytes",
    "validate",
]
