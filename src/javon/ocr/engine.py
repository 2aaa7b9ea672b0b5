"""OCR of one page image with the tesseract binary: straighten, choose the model, recognise.

Pure Python, no Django. One tesseract pass gives hOCR (word boxes), a one-page PDF with an
invisible text layer, and plain text. The model comes from the run (given languages, or the
run's current guess); a page that comes out with low confidence is looked at again with
tesseract's orientation and script detection (OSD) and recognised once more, turned and with
the model of its script. Good pages cost one pass: that is what keeps us near bare tesseract.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import numpy as np
from PIL import Image

from javon.text import detect_language

MODELS = ("uzb", "uzb_cyrl", "rus", "eng")
MODEL_SCRIPT = {"uzb": "Latin", "eng": "Latin", "uzb_cyrl": "Cyrillic", "rus": "Cyrillic"}
LOW_CONFIDENCE = 70.0  # below this a page is looked at again, and listed for checking
GOOD_CONFIDENCE = 85.0  # above this no second opinion is sought
TIMEOUT = 300  # seconds for one tesseract pass
DPI = 300
_UZ_CYRILLIC = set("ўқғҳЎҚҒҲ")
_CYR = re.compile(r"[\u0400-\u04FF]")
_LAT = re.compile(r"[A-Za-z\u00C0-\u024F]")
_WCONF = re.compile(r"x_wconf (\d+)")
_ROTATE = re.compile(r"Rotate: (\d+)")
_SCRIPT = re.compile(r"Script: (\w+)")


class OcrError(Exception):
    """A page could not be recognised; the message says why, for a librarian."""


@dataclass
class PageResult:
    text: str
    hocr: bytes
    pdf: bytes
    confidence: float  # mean word confidence, 0–100
    model: str
    script: str  # "Latin", "Cyrillic" or ""
    rotation: int  # degrees turned clockwise to make the page upright
    skew: float  # degrees the page was straightened by
    words: int
    passes: int
    image: bytes = b""  # the upright, straightened page as JPEG: the page image for the reader


def normalise_languages(value: str) -> str:
    """ "auto", or models joined by "+" in a fixed order ("rus+uzb_cyrl"); raises ValueError."""
    value = (value or "auto").strip().lower().replace(",", "+").replace(" ", "+")
    if value == "auto":
        return value
    models = [m for m in value.split("+") if m]
    unknown = [m for m in models if m not in MODELS]
    if unknown or not models:
        raise ValueError(f"unknown OCR language {', '.join(unknown) or value!r}; choose from {', '.join(MODELS)}")
    return "+".join(sorted(set(models), key=MODELS.index))


def model_for(languages: list[str] | None, script: str = "") -> str:
    """The first guess for a work in `languages` (catalogue codes) written in `script`."""
    langs = [lang.split("-")[0].lower() for lang in (languages or [])]
    if script == "Cyrillic":
        return "rus" if "ru" in langs and "uz" not in langs else "uzb_cyrl"
    if script == "Latin":
        return "eng" if "en" in langs and "uz" not in langs else "uzb"
    if "ru" in langs and "uz" not in langs:
        return "rus"
    if "en" in langs and "uz" not in langs:
        return "eng"
    return "uzb"


def script_of(text: str) -> str:
    cyr, lat = len(_CYR.findall(text)), len(_LAT.findall(text))
    if not cyr and not lat:
        return ""
    return "Cyrillic" if cyr >= lat else "Latin"


# ------------------------------------------------------------------ straightening
def skew_angle(gray: Image.Image, limit: float = 5.0) -> float:
    """The small rotation (degrees, counter-clockwise) that makes text lines horizontal.

    Projection profile: rotated to the right angle, the rows of ink and the gaps between
    lines alternate most sharply. Measured on a copy about 800 px wide, coarse then fine.
    """
    small = gray.copy()
    small.thumbnail((800, 800))
    ink = small.point(lambda v: 255 if v < 140 else 0)

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float64)
        profile = rows.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(coarse - 0.5, coarse + 0.51, 0.1), key=sharpness)
    return round(float(fine), 1)


STRAIGHTEN_ABOVE = 1.0  # degrees; tesseract reads lines this little skewed as well, and rotating costs time


def straighten(gray: Image.Image) -> tuple[Image.Image, float]:
    angle = skew_angle(gray)
    if abs(angle) <= STRAIGHTEN_ABOVE:
        return gray, 0.0
    return gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255), angle


def upright(gray: Image.Image, rotate: int) -> Image.Image:
    """Turn by OSD's "Rotate" (degrees clockwise)."""
    return gray.rotate(-rotate, expand=True) if rotate % 360 else gray


# ------------------------------------------------------------------ tesseract
def _env() -> dict[str, str]:
    # One thread per tesseract: parallelism comes from workers, one page each, one core each.
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _tesseract(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["tesseract", *args], capture_output=True, timeout=TIMEOUT, env=_env(), check=False)
    except FileNotFoundError as exc:
        raise OcrError("tesseract is not installed on this machine") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"tesseract took longer than {TIMEOUT} s on this page") from exc


def osd(image_path: Path) -> tuple[int, str]:
    """(clockwise rotation to upright, script) by tesseract's OSD; (0, "") when it cannot tell."""
    done = _tesseract([str(image_path), "-", "--psm", "0", "--dpi", str(DPI)])
    out = done.stdout.decode("utf-8", "replace")
    rotate, script = _ROTATE.search(out), _SCRIPT.search(out)
    return (int(rotate.group(1)) if rotate else 0), (script.group(1) if script else "")


def mean_confidence(hocr: str) -> tuple[float, int]:
    confs = [int(c) for c in _WCONF.findall(hocr)]
    return (sum(confs) / len(confs) if confs else 0.0), len(confs)


def tesseract_page(image: Image.Image, model: str, workdir: Path) -> tuple[str, bytes, bytes, float, int]:
    """One pass: (text, hOCR, PDF, mean confidence, words)."""
    source = workdir / "page.png"
    # PNG, quickly compressed: tesseract reads it as fast as JPEG, and its PDF of a text page is
    # about 30% smaller than with a JPEG (it stores the picture losslessly as flate either way).
    image.save(source, "PNG", compress_level=1, dpi=(DPI, DPI))
    base = workdir / "out"
    done = _tesseract([str(source), str(base), "-l", model, "--dpi", str(DPI), "hocr", "pdf", "txt"])
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed on this page: {detail[-1] if detail else done.returncode}")
    hocr = base.with_suffix(".hocr").read_bytes()
    text = base.with_suffix(".txt").read_text(encoding="utf-8").replace("\f", "").strip()
    confidence, words = mean_confidence(hocr.decode("utf-8", "replace"))
    return text, hocr, base.with_suffix(".pdf").read_bytes(), confidence, words


def _second_model(model: str, text: str, languages: str) -> str | None:
    """A single model likely to read this page better, judged from what the first pass read."""
    if languages != "auto":
        return None
    detected = detect_language(text) if len(text) > 40 else "other"
    has_uz = bool(_UZ_CYRILLIC & set(text))
    if model == "uzb_cyrl" and detected == "ru" and not has_uz:
        return "rus"
    if model == "rus" and (detected == "uz-Cyrl" or has_uz):
        return "uzb_cyrl"
    if model == "uzb" and detected == "en":
        return "eng"
    if model == "eng" and detected == "uz-Latn":
        return "uzb"
    return None


def recognise(image: Image.Image, *, languages: str = "auto", guess: str = "uzb") -> PageResult:
    """OCR one page. `languages` is "auto" or a fixed model ("uzb_cyrl+rus"); `guess` is the
    model an "auto" run tries first (what earlier pages of the work were read with)."""
    gray = image.convert("L")
    gray, skew = straighten(gray)
    model = guess if languages == "auto" else languages
    with tempfile.TemporaryDirectory(prefix="javon-ocr-") as tmp:
        workdir = Path(tmp)
        text, hocr, pdf, conf, words = tesseract_page(gray, model, workdir)
        best = PageResult(text, hocr, pdf, conf, model, script_of(text), 0, skew, words, 1)
        best_image = gray
        if conf < LOW_CONFIDENCE:
            # Upside down, sideways or in the other script: ask OSD, then read it once more.
            rotate, script = osd(workdir / "page.png")
            retry_model = model
            if languages == "auto" and script in ("Latin", "Cyrillic") and MODEL_SCRIPT.get(model) != script:
                retry_model = model_for(None, script)
            if rotate or retry_model != model:
                turned, more_skew = upright(gray, rotate), 0.0
                if rotate in (90, 270):  # the skew measured sideways meant nothing: measure again
                    turned, more_skew = straighten(turned)
                text, hocr, pdf, conf, words = tesseract_page(turned, retry_model, workdir)
                if conf > best.confidence:
                    best = PageResult(
                        text, hocr, pdf, conf, retry_model, script_of(text), rotate, skew + more_skew, words, 2
                    )
                    best_image = turned
        if best.confidence < GOOD_CONFIDENCE:
            other = _second_model(best.model, best.text, languages)
            if other is not None:
                text, hocr, pdf, conf, words = tesseract_page(best_image, other, workdir)
                if conf > best.confidence:
                    best = PageResult(
                        text, hocr, pdf, conf, other, script_of(text), best.rotation, best.skew, words, best.passes + 1
                    )
    out = io.BytesIO()
    best_image.save(out, "JPEG", quality=80, dpi=(DPI, DPI))
    best.image = out.getvalue()
    return best


def hocr_words(hocr: bytes) -> list[tuple[str, tuple[int, int, int, int], int]]:
    """(word, (x0, y0, x1, y1), confidence) for each word of a page's hOCR."""
    pattern = re.compile(
        r"<span class='ocrx_word'[^>]*title='bbox (\d+) (\d+) (\d+) (\d+); x_wconf (\d+)'[^>]*>(.*?)</span>", re.S
    )
    out = []
    for x0, y0, x1, y1, conf, inner in pattern.findall(hocr.decode("utf-8", "replace")):
        word = unescape(re.sub(r"<[^>]+>", "", inner))
        out.append((word, (int(x0), int(y0), int(x1), int(y1)), int(conf)))
    return out
