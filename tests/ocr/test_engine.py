"""OCR of one page with real tesseract: rendered corpus pages, degraded like scans."""

from __future__ import annotations

import pytest
from PIL import Image

from javon.ocr import engine
from javon.ocr.testpages import Degrade, render
from tests.ocr.helpers import cer, scan


@pytest.mark.parametrize(
    ("key", "guess", "how", "model", "limit"),
    [
        # Uzbek Latin, skewed and noisy, read with the run's first guess.
        ("uz-Latn", "uzb", Degrade(skew=2.0, noise=0.01), "uzb", 0.03),
        # Uzbek Cyrillic, blurred, while the run still guessed Latin: OSD finds the script.
        ("uz-Cyrl", "uzb", Degrade(blur=0.8), "uzb_cyrl", 0.03),
        # Russian, scanned sideways, first read as Uzbek Cyrillic: turned, then Russian kept or chosen.
        ("ru", "uzb_cyrl", Degrade(rotate=90), None, 0.05),
        # English upside down and skewed.
        ("en", "eng", Degrade(rotate=180, skew=-1.5), "eng", 0.05),
    ],
)
def test_degraded_pages_are_read(key: str, guess: str, how: Degrade, model: str | None, limit: float) -> None:
    image, text = scan(key, how)
    result = engine.recognise(image, guess=guess)
    assert cer(text, result.text) <= limit, (result.model, result.text)
    if model:
        assert result.model == model
    assert result.script == ("Latin" if key in ("uz-Latn", "en") else "Cyrillic")
    assert result.rotation == how.rotate
    if how.skew:
        assert abs(result.skew + how.skew) <= 0.3
    assert result.confidence > engine.LOW_CONFIDENCE
    assert result.pdf.startswith(b"%PDF") and b"ocrx_word" in result.hocr
    words = engine.hocr_words(result.hocr)
    assert len(words) >= 30 and all(x1 > x0 and y1 > y0 for _w, (x0, y0, x1, y1), _c in words)


def test_fixed_languages_are_used_as_given() -> None:
    image, text = scan("ru", words=25)
    result = engine.recognise(image, languages="uzb_cyrl+rus")
    assert result.model == "uzb_cyrl+rus" and result.passes == 1
    assert cer(text, result.text) <= 0.05


def test_skew_is_measured_from_the_text_lines() -> None:
    page = render("Kenja botir bir belgi qo‘yib qaytib kelibdi, ovqatni pishirib qo‘yibdi. " * 6)
    tilted = page.rotate(3.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert abs(engine.skew_angle(tilted) + 3.0) <= 0.2
    assert abs(engine.skew_angle(page)) <= 0.1


def test_language_choices_are_checked() -> None:
    assert engine.normalise_languages("rus, uzb_cyrl") == "uzb_cyrl+rus"
    assert engine.normalise_languages("AUTO") == "auto"
    with pytest.raises(ValueError, match="unknown OCR language"):
        engine.normalise_languages("klingon")
    assert engine.model_for(["ru"]) == "rus" and engine.model_for(["uz"], "Cyrillic") == "uzb_cyrl"
