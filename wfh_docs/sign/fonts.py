"""The stamp font: Times New Roman (else Liberation Serif, with the same metrics), rescaled once
to 1000 units per em for pyHanko and kept in a cache private to the user; text measured in it."""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import io
import os
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

from ..i18n import _
from .base import bad

TEXT_SIZE = 10  # Phụ lục I II.8.b: cỡ chữ 10
TEXT_LEADING = 12
TEXT_COLOUR = (0.0, 0.0, 0.0)  # màu đen
# The font ND 30 names first; Liberation Serif has the same metrics and is what LibreOffice
# puts in the letter's PDF in its place on Linux.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/msttcorefonts/times.ttf",
    os.path.join(os.environ.get("WINDIR", "C:/Windows"), "Fonts", "times.ttf"),
    "/Library/Fonts/Times New Roman.ttf",
    "/System/Library/Fonts/Supplemental/Times New Roman.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation/LiberationSerif-Regular.ttf",
)
_FONT_RECIPE = "r2"  # in the cached font's name: a change to font_1000 must not reuse old files


def find_font(font: Path | None) -> Path:
    """The font file given, else WFHDOC_SIGN_FONT, else the first of FONT_CANDIDATES there is."""
    wanted = font or (Path(os.environ["WFHDOC_SIGN_FONT"]) if os.environ.get("WFHDOC_SIGN_FONT") else None)
    if wanted is not None:
        if not wanted.is_file():
            raise bad(wanted, _("font"), _("no such font file"))
        return wanted
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise bad(
        _("font"),
        "",
        _("neither Times New Roman nor Liberation Serif was found for the signature text"),
        _("apt-get install fonts-liberation2, or give the font file (WFHDOC_SIGN_FONT)"),
    )


def _private_dir(path: Path) -> bool:
    """Make `path` (and its missing parents) a folder only this user can use, or say it is not:
    it must be a real folder (no symlink), owned by this user, with no group or other rights. A
    folder that another user could write into may hold a font planted for the agency's stamp."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode=0o700)
        info = path.lstat()
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if hasattr(os, "getuid"):
        if info.st_uid != os.getuid() or info.st_mode & 0o022:
            return False  # someone else's, or others may write into it: nothing in it is trusted
        if info.st_mode & 0o077:
            # ours and only readable by others (made by an older wfhdoc with the umask): close it
            try:
                os.chmod(path, 0o700)
            except OSError:
                return False
        return os.access(path, os.W_OK | os.X_OK)
    return os.access(path, os.W_OK)


_FRESH_CACHE: list[Path] = []


def _cache_dir() -> Path:
    """Where the rescaled stamp font is kept: ~/.cache/wfhdoc/fonts ($XDG_CACHE_HOME), else
    $TMPDIR/wfhdoc-fonts-<uid>, each only if private to this user (see _private_dir); else a
    fresh private folder for this process, removed at its exit."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    for path in (Path(base) / "wfhdoc" / "fonts", Path(tempfile.gettempdir()) / f"wfhdoc-fonts-{uid}"):
        if _private_dir(path):
            return path
    if not _FRESH_CACHE:
        fresh = Path(tempfile.mkdtemp(prefix="wfhdoc-fonts-"))  # 0700, made anew: nobody else's
        atexit.register(shutil.rmtree, fresh, True)
        _FRESH_CACHE.append(fresh)
    return _FRESH_CACHE[0]


def _cached(folder: Path, prefix: str) -> Path | None:
    """A cached font `prefix-<content hash>.ttf` that is still what was written: a regular file of
    this user's, not writable by others, whose content has the hash in its name."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not (entry.name.startswith(prefix + "-") and entry.name.endswith(".ttf")):
                continue
            info = entry.stat(follow_symlinks=False)
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_mode & 0o022
                or (uid is not None and info.st_uid != uid)
            ):
                continue
            data = Path(entry.path).read_bytes()
            if entry.name == f"{prefix}-{hashlib.sha256(data).hexdigest()[:32]}.ttf":
                return Path(entry.path)
    return None


def font_1000(path: Path) -> Path:
    """The font rescaled to 1000 units per em, cached.

    pyHanko (0.38) writes a CID font's /W widths and TJ adjustments in font units as if there
    were 1000 per em; Times New Roman and Liberation Serif have 2048, so letters came out spread
    twice too wide. fontTools' scale_upem rewrites the font at 1000 units per em. The cached file
    is named after the source font's hash (and the recipe) and its own content's hash, checked on
    every use, in a folder private to the user. Within a run the file found is kept while
    neither it nor the source changed on disk (a batch signs hundreds of times)."""
    key = (path, _cache_dir())
    seen = _FOUND.get(key)
    if seen is not None and seen[1] == (_stamp(path), _stamp(seen[0])):
        return seen[0]
    found = _font_1000(path)
    _FOUND[key] = (found, (_stamp(path), _stamp(found)))
    return found


_FOUND: dict[tuple[Path, Path], tuple[Path, tuple[tuple[int, ...], tuple[int, ...]]]] = {}
# What a stamp writes: Latin with the Vietnamese letters, digits, punctuation, the đồng sign. The
# cached font keeps only these: pyHanko subsets the font again at every signature, and with the
# 2,600 glyphs of Liberation Serif and their layout tables that took 60 ms of each.
_KEPT = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1A0, 0x1B1),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2027),
    0x20AB,
]


def _stamp(path: Path) -> tuple[int, ...]:
    """What tells a file changed: its inode, size, mtime and mode."""
    try:
        st = os.lstat(path)
    except OSError:
        return ()
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid)


def _font_1000(path: Path) -> Path:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = _cache_dir()
    prefix = f"{path.stem}-{digest}-1000upem-{_FONT_RECIPE}"
    found = _cached(folder, prefix)
    if found is not None:
        return found
    try:
        font = TTFont(io.BytesIO(data), recalcTimestamp=False)  # the same bytes each time
    except Exception as exc:  # fontTools raises many kinds for a bad file
        raise bad(path, _("font"), _("not a TrueType/OpenType font ({reason})").format(reason=exc)) from None
    scale_upem(font, 1000)
    # FontForge's timestamp table: the subsetter cannot subset it and says so on stderr
    if "FFTM" in font:
        del font["FFTM"]
    subsetter = Subsetter(Options(name_IDs=["*"], name_languages=["*"], notdef_outline=True))
    subsetter.populate(unicodes=_KEPT)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    rescaled = out.getvalue()
    target = folder / f"{prefix}-{hashlib.sha256(rescaled).hexdigest()[:32]}.ttf"
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(rescaled)
        os.replace(tmp, target)  # another process making the same file at once is harmless
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return target


@dataclass(frozen=True)
class Text:
    """Lines of a stamp measured in its font."""

    lines: tuple[str, ...]
    font: Path  # at 1000 units per em
    width: float
    height: float  # from the lowest descender to the top line's ascender
    size: int = TEXT_SIZE
    leading: int = TEXT_LEADING

    @property
    def content(self) -> str:
        return "\n".join(self.lines)


def measure(
    lines: Sequence[str], font_path: Path, size: int = TEXT_SIZE, leading: int = TEXT_LEADING
) -> Text:
    """The lines' block in `font_path` at `size` (TEXT_SIZE): its width and height in points."""
    lines = [unicodedata.normalize("NFC", line) for line in lines]  # precomposed, as the font maps them
    cmap, advances, upem = _metrics(font_path)
    missing = sorted({ch for line in lines for ch in line if not ch.isspace() and ord(ch) not in cmap})
    if missing:
        raise bad(
            font_path,
            _("font"),
            _("has no glyph for {letters}").format(letters=repr("".join(missing))),
            _("use a font with Vietnamese letters"),
        )
    width = 0.0
    for line in lines:
        units = sum(advances[cmap[ord(ch)]] for ch in line if ord(ch) in cmap)
        width = max(width, units / upem * size)
    height = (len(lines) - 1) * leading + 1.15 * size
    return Text(tuple(lines), font_path, width, height, size, leading)


@functools.lru_cache(maxsize=8)
def _metrics(font_path: Path) -> tuple[dict[int, str], dict[str, int], int]:
    """The font's character map, advance widths and units per em, read once a run: a batch
    measures a stamp for every signature."""
    font = TTFont(str(font_path), lazy=True)
    try:
        cmap = dict(font.getBestCmap())
        hmtx = font["hmtx"]
        advances = {name: hmtx[name][0] for name in set(cmap.values())}
        return cmap, advances, int(font["head"].unitsPerEm)
    finally:
        font.close()
