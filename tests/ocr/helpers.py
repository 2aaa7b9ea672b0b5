"""Scans for the OCR tests: real corpus paragraphs rendered at 300 dpi and degraded."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from PIL import Image

from javon.ocr.testpages import Degrade, page

_APOSTROPHES = re.compile("[ʻʼ‘’`´'ʹ]")


def normalise(text: str) -> str:
    """Compare what matters: letters in NFC, one kind of apostrophe, one space between words."""
    text = unicodedata.normalize("NFC", text)
    text = _APOSTROPHES.sub("'", text).replace("—", "-").replace("–", "-")
    return " ".join(text.split())


def cer(expected: str, got: str) -> float:
    """Character error rate: edit distance over the expected length."""
    a, b = normalise(expected), normalise(got)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(len(a), 1)


def scan(key: str, how: Degrade | None = None, words: int = 45) -> tuple[Image.Image, str]:
    return page(key, how, words=words)


def image_pdf(path: Path, images: list[Image.Image]) -> Path:
    """An image-only PDF (no text layer), one scanned page per image, at 300 dpi."""
    rgb = [im.convert("L") for im in images]
    rgb[0].save(path, "PDF", resolution=300, save_all=True, append_images=rgb[1:])
    return path


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
