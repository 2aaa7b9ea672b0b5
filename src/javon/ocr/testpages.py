"""Test and benchmark pages: real paragraphs rendered with Debian's DejaVu fonts at 300 dpi,
then degraded the way scans are (rotation, skew, blur, noise). Pure Python, no Django."""

from __future__ import annotations

import random
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from javon.text import to_cyrillic

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
# One real prose text per language of the shared corpus. It holds Uzbek in Latin only, so the
# Cyrillic page is the same Uzbek text transliterated (javon.text.to_cyrillic).
SAMPLES = {
    "uz-Latn": "uz-xalq-ertagi-kenja-botir.txt",
    "uz-Cyrl": "uz-xalq-ertagi-kenja-botir.txt",
    "ru": "ru-gogol-shinel.txt",
    "en": "en-wells-the-time-machine.txt",
}


@dataclass
class Degrade:
    rotate: int = 0  # quarter turns as scanned upside down or sideways: 0, 90, 180, 270
    skew: float = 0.0  # degrees
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # share of pixels flipped to random grey


def paragraph(key: str, words: int = 120, skip_chars: int = 1_000, corpus: Path = CORPUS) -> str:
    """About `words` words of running prose from a real text, from a sentence start on."""
    whole = (corpus / SAMPLES[key]).read_text(encoding="utf-8")
    text = whole[skip_chars % max(1, len(whole) - 3_000) :]
    text = re.sub(r"\s+", " ", text)
    start = text.find(". ") + 2
    chosen = " ".join(text[start:].split()[:words])
    return to_cyrillic(chosen) if key == "uz-Cyrl" else chosen


def render(text: str, *, dpi: int = 300, width_in: float = 6.0, size_pt: float = 11.0) -> Image.Image:
    """Black text on white, wrapped to the width, like a printed page (greyscale)."""
    font = ImageFont.truetype(FONT, round(size_pt * dpi / 72))
    margin = dpi // 2
    width = round(width_in * dpi)
    avg = font.getlength("abcdefghij klmnopqrstuvwxyz") / 27
    lines = textwrap.wrap(text, width=max(10, int((width - 2 * margin) / avg)))
    line_h = round(size_pt * dpi / 72 * 1.45)
    image = Image.new("L", (width, 2 * margin + line_h * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * line_h), line, font=font, fill=0)
    return image


def degrade(image: Image.Image, how: Degrade, seed: int = 1) -> Image.Image:
    if how.skew:
        image = image.rotate(how.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if how.blur:
        image = image.filter(ImageFilter.GaussianBlur(how.blur))
    if how.noise:
        rng = random.Random(seed)
        pixels = image.load()
        assert pixels is not None
        w, h = image.size
        for _ in range(int(w * h * how.noise)):
            pixels[rng.randrange(w), rng.randrange(h)] = rng.randrange(256)
    if how.rotate:
        image = image.rotate(how.rotate, expand=True)
    return image


def page(
    key: str, how: Degrade | None = None, words: int = 120, seed: int = 1, skip_chars: int = 1_000
) -> tuple[Image.Image, str]:
    """A degraded page of the sample text (from `skip_chars` on), and the text it shows."""
    text = paragraph(key, words, skip_chars)
    return degrade(render(text), how or Degrade(), seed), text
