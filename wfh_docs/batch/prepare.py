"""One record's pipeline, shared by `wfhdoc build` and the batch: data as read -> cleaned and
tidied (letter.sources.prepare_data) -> the hash of its input -> a validated Letter, or every
problem found, located in the record's own terms (a column of a sheet, a JSON path)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Problem
from ..files.naming import number_stem, safe_stem
from ..letter.images import Picture, images_beside
from ..letter.model import Letter
from ..letter.sources import Loaded, parse_json, prepare_data, problem_from_error, read_bytes, validate
from .records import OUTPUT_NAME, Record, canonical, locate


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record cleaned and validated: its letter (None when it has problems), the SHA-256 of
    its cleaned input, its problems and what cleaning changed."""

    letter: Letter | None
    input_sha: str
    problems: list[Problem]
    warnings: list[str]


def prepare(data: Any, *, numbered_later: bool = False) -> Prepared:
    """Clean and validate one letter's data (build, batch and the browser's compose page all
    come here). `numbered_later`: the register is about to give the number (a date without a
    number is then no error). The warnings are kept with the problems: the page shows both."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != OUTPUT_NAME}
    cleaned, warnings = prepare_data(data, numbered_later=numbered_later)
    if not isinstance(cleaned, dict):
        try:
            validate(cleaned, "")
        except InputError as exc:
            return Prepared(None, "", exc.problems, warnings)
    raw = canonical(cleaned)
    input_sha = hashlib.sha256(raw).hexdigest()
    try:
        letter = Letter.model_validate(cleaned, context={"numbered_later": numbered_later})
    except ValidationError as exc:
        problems = [problem_from_error(dict(err)) for err in exc.errors()]
        return Prepared(None, input_sha, problems, warnings)
    if b'"image":' in raw:  # a picture read from a file: its bytes are part of the input too
        digests = "".join(hashlib.sha256(p.data).hexdigest() for p in _pictures(letter))
        input_sha = hashlib.sha256(f"{input_sha}|{digests}".encode()).hexdigest()
    return Prepared(letter, input_sha, [], warnings)


def _pictures(node: Any) -> Iterator[Picture]:
    """The pictures of a letter, in order, wherever its blocks hold them."""
    if isinstance(node, Picture):
        yield node
    elif isinstance(node, BaseModel):
        for value in node.__dict__.values():
            yield from _pictures(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _pictures(value)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _pictures(value)


def load(path: Path | str) -> Loaded:
    """Read, clean and validate one letter file (`wfhdoc build`): InputError with every problem."""
    source = str(path)
    with images_beside(Path(path).parent):  # an image block's file is beside the letter's
        prepared = prepare(parse_json(read_bytes(Path(path)), source))
    if prepared.letter is None:
        raise InputError(source, prepared.problems)
    return Loaded(prepared.letter, [f"{source}: {w}" for w in prepared.warnings])


def problem_text(record: Record, problem: Problem) -> str:
    """A problem of a record, named by its place in the source: 'column G "Ngày" (date): ...'."""
    where = problem.where
    place = locate(record, where) if where.startswith("$") else where
    return f"{place}: {problem.message}" + (f" ({problem.hint})" if problem.hint else "")


def prepare_record(
    record: Record, *, numbered_later: bool = False
) -> tuple[Letter | None, str, list[str], list[str]]:
    """A batch's record through `prepare`: the letter (or None), the hash of its input, its
    problems and its warnings, each named by the record's place."""
    if record.data is None:
        return None, "", [str(p) for p in record.problems], []
    prepared = prepare(record.data, numbered_later=numbered_later)
    problems = [problem_text(record, p) for p in [*record.problems, *prepared.problems]]
    if prepared.letter is None or problems:
        return None, prepared.input_sha, problems, []
    warnings = record.warnings + prepared.warnings
    return prepared.letter, prepared.input_sha, [], [f"{record.origin}: {w}" for w in warnings]


def stem(data: dict[str, Any] | None) -> str:
    """The output name of a record, read from its raw data as letter_stem reads a letter, so
    that the parent can name every letter, in order, without validating it."""
    if not data:
        return "cong-van"
    wish = data.get(OUTPUT_NAME)
    if wish not in (None, ""):
        return safe_stem(str(wish))
    raw_issuer = data.get("issuer")
    issuer: dict[str, Any] = raw_issuer if isinstance(raw_issuer, dict) else {}
    symbol = f"{issuer.get('abbreviation', '')}-{issuer.get('unit', '')}"
    try:
        number = int(str(data["number"]).strip()) if data.get("number") not in (None, "") else None
    except (ValueError, TypeError):
        number = None
    return number_stem(number, symbol)
