"""Draw the sample images that `wfhdoc sign` places on a letter, as Nghị định 30/2020 asks for them.

Phụ lục I, II.7.d: the signer's signature image is the person's handwritten signature, blue, PNG
with a transparent background. II.8.a: the agency's is the image of its seal, red, at the seal's
real size, PNG with a transparent background. Both are made up: a scribble that reads as a
signature and a round seal of "Sở Công Thương" of the Quảng Trị sample letter, drawn with
Pillow (at four times the size, then scaled down, so the edges are smooth).

Run: python tools/make_signing_samples.py   (the same Pillow and fonts write the same bytes)

Writes:
  data/examples/signing/chu-ky-nguyen-huu-hung.png   blue signature, 600 x 260 px at 300 dpi
  data/examples/signing/con-dau-so-cong-thuong.png   red seal, 36 mm across at 300 dpi
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "examples" / "signing"
SIGNATURE = OUT / "chu-ky-nguyen-huu-hung.png"
SEAL = OUT / "con-dau-so-cong-thuong.png"

DPI = 300
SUPER = 4  # drawn this many times larger, then scaled down: anti-aliased strokes
BLUE = (18, 46, 170)  # a ballpoint's blue ink (Điều 13.6 asks for blue ink on paper too)
RED = (212, 22, 30)  # seal ink
SEAL_MM = 36.0  # a Sở's round seal is 35-40 mm across

# Bold sans fonts with Vietnamese letters; the first one found is used for the seal's text.
FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)


def _font_path() -> str:
    for path in FONTS:
        if Path(path).is_file():
            return path
    sys.exit("no bold sans font with Vietnamese letters found (apt-get install fonts-liberation2)")


def _stroke(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: float) -> None:
    """A pen stroke: round dabs along the path, thinner where the pen moves fast, like ink."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        speed = math.hypot(x1 - x0, y1 - y0)
        r = max(width * 0.45, width * (1.1 - speed / 60)) / 2
        steps = max(1, int(speed / 2))
        for k in range(steps + 1):
            t = k / steps
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            draw.ellipse((x - r, y - r, x + r, y + r), fill=BLUE + (255,))


def _spline(points: list[tuple[float, float]], steps: int = 24) -> list[tuple[float, float]]:
    """A smooth curve through `points` (Catmull-Rom), as a hand moves through them."""
    pts = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(steps):
            t = k / steps
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[j]
                        + (p2[j] - p0[j]) * t
                        + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t * t
                        + (3 * p1[j] - p0[j] - 3 * p2[j] + p3[j]) * t * t * t
                    )
                    for j in (0, 1)
                )
            )
    out.append(points[-1])
    return out  # type: ignore[return-value]


def draw_signature() -> Image.Image:
    """A fluent scribble: a big looped capital, a run of smaller loops, a long underline."""
    w, h = 600 * SUPER, 260 * SUPER
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    s = SUPER
    pen = 7 * s

    # the capital: up, over and down, then up again (a quick "N"), through a few pen points
    capital = _spline(
        [(70, 205), (92, 120), (118, 45), (140, 70), (150, 150), (160, 190), (185, 120), (212, 52)]
    )
    _stroke(draw, [(s * x, s * y) for x, y in capital], pen)

    # the name's letters: loops that drift right and shrink, like a quick hand
    run = []
    for i in range(721):
        t = i / 720
        a = t * 5 * 2 * math.pi
        amp = 46 * (1 - 0.45 * t)
        run.append((s * (215 + 300 * t + 20 * math.cos(a)), s * (130 - amp * math.sin(a) - 20 * t)))
    _stroke(draw, run, pen * 0.9)

    # the flourish: a long stroke under the name, rising to the right
    flourish = []
    for i in range(241):
        t = i / 240
        flourish.append((s * (60 + 500 * t), s * (215 - 60 * t - 28 * math.sin(t * math.pi))))
    _stroke(draw, flourish, pen * 0.8)

    return img.resize((600, 260), Image.Resampling.LANCZOS)


def _arc_text(
    img: Image.Image,
    text: str,
    font: ImageFont.FreeTypeFont,
    centre: tuple[float, float],
    radius: float,
    start: float,
    end: float,
) -> None:
    """Write `text` along a circle, letters upright to the centre, from angle `start` to `end`
    (degrees, clockwise from the top; the text reads left to right over the top)."""
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths)
    span = end - start
    angle = start
    for ch, width in zip(text, widths, strict=True):
        step = span * width / total
        mid = angle + step / 2
        angle += step
        if not ch.strip():
            continue
        size = int(font.size * 2.2)
        glyph = Image.new("RGBA", (size, size), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=RED + (255,), anchor="mm")
        glyph = glyph.rotate(-mid, resample=Image.Resampling.BICUBIC)
        rad = math.radians(mid)
        x = centre[0] + radius * math.sin(rad) - size / 2
        y = centre[1] - radius * math.cos(rad) - size / 2
        img.alpha_composite(glyph, (round(x), round(y)))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.4
        a = math.radians(-90 + k * 36)
        points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(points, fill=RED + (255,))


def draw_seal() -> Image.Image:
    """A round agency seal: two rings, the superior body's name around the top, the agency's
    name across the middle under a star."""
    px = round(SEAL_MM / 25.4 * DPI)
    size = px * SUPER
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    mm = DPI / 25.4 * SUPER
    outer = c - 0.6 * mm
    draw.ellipse((c - outer, c - outer, c + outer, c + outer), outline=RED + (255,), width=round(0.9 * mm))
    inner = c - 6.8 * mm
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=RED + (255,), width=round(0.35 * mm))

    path = _font_path()
    ring_font = ImageFont.truetype(path, round(3.2 * mm))
    _arc_text(img, "UBND TỈNH QUẢNG TRỊ", ring_font, (c, c), c - 3.9 * mm, -124, 124)
    _star(draw, c, c + outer - 3.3 * mm, 1.6 * mm)

    middle = ImageFont.truetype(path, round(3.4 * mm))
    _star(draw, c, c - 6.0 * mm, 1.9 * mm)
    draw.text((c, c - 0.6 * mm), "SỞ CÔNG", font=middle, fill=RED + (255,), anchor="mm")
    draw.text((c, c + 4.0 * mm), "THƯƠNG", font=middle, fill=RED + (255,), anchor="mm")
    return img.resize((px, px), Image.Resampling.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # pHYs carries the dpi, which is how wfhdoc knows the seal's real size
    draw_signature().save(SIGNATURE, dpi=(DPI, DPI), optimize=True)
    draw_seal().save(SEAL, dpi=(DPI, DPI), optimize=True)
    for path in (SIGNATURE, SEAL):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
