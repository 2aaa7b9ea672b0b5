"""The PDF reader: page images, text layers, highlights, and the page-at-a-time view."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from PIL import Image

from javon.catalog.models import Work
from javon.reader import pdf
from javon.stats.services import use_counts
from javon.storage.models import FileRole, PageText

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_BUDGET = 150 * 1024


def _original(work: Work) -> Any:
    return work.files.get(role=FileRole.ORIGINAL)


def _base(work: Work) -> str:
    return f"/works/{work.pk}/files/{_original(work).pk}/"


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_page_image_sizes_formats_and_caching(client: Any, corpus_pdf: Work) -> None:
    base = _base(corpus_pdf)
    default = client.get(base + "pages/1.webp")
    assert default.status_code == 200
    assert default["Content-Type"] == "image/webp"
    data = _body(default)
    assert len(data) < PAGE_BUDGET, f"page 1 at the default width is {len(data)} bytes"
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    assert image.width == pdf.DEFAULT_WIDTH
    # An open work: any cache may keep it for good, under a strong tag known before rendering.
    assert "public" in default["Cache-Control"] and "immutable" in default["Cache-Control"]
    etag = default["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(base + "pages/1.webp", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again["ETag"] == etag

    for asked, expected in (("480", 480), ("1024", 1024), ("700", 640), ("99999", 1600), ("abc", 800), ("-5", 480)):
        response = client.get(base + "pages/2.jpg", {"w": asked})
        assert response.status_code == 200, asked
        assert response["Content-Type"] == "image/jpeg"
        jpeg = Image.open(io.BytesIO(_body(response)))
        assert jpeg.format == "JPEG"
        assert jpeg.width == expected, asked

    pages = _original(corpus_pdf).page_count
    assert client.get(base + f"pages/{pages + 1}.webp").status_code == 404
    assert client.get(base + "pages/0.webp").status_code == 404
    assert client.get(base + f"pages/{pages + 1}.json").status_code == 404


def test_text_layer_has_the_page_words_with_boxes(client: Any, corpus_pdf: Work) -> None:
    original = _original(corpus_pdf)
    layer = client.get(_base(corpus_pdf) + "pages/2.json").json()
    assert layer["page"] == 2 and layer["words"]
    for word in layer["words"]:
        text, x, y, w, h = word
        assert text.strip()
        assert 0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1 and 0 < h <= 1
        assert x + w <= 1.0001 and y + h <= 1.0001
    extracted = PageText.objects.get(file=original, number=2).text
    expected = set(re.findall(r"\w+", extracted))
    got = set(re.findall(r"\w+", " ".join(w[0] for w in layer["words"])))
    assert len(expected & got) >= 0.95 * len(expected)
    # The boxes sit on the ink of the page image: every word's box holds dark pixels.
    image = Image.open(io.BytesIO(_body(client.get(_base(corpus_pdf) + "pages/2.webp", {"w": 1024})))).convert("L")
    for _text, x, y, w, h in layer["words"]:
        left, top = int(x * image.width), int(y * image.height)
        box = (left, top, int((x + w) * image.width) + 1, int((y + h) * image.height) + 1)
        low, _high = image.crop(box).getextrema()
        assert low < 128, (_text, box)
    # Reading order: the first words of the layer are the first words of the page.
    first = re.findall(r"\w+", extracted)[:5]
    assert re.findall(r"\w+", " ".join(w[0] for w in layer["words"][:8]))[:5] == first


def test_highlights_inflected_and_cyrillic_queries(client: Any, uz_pdf: Work) -> None:
    base = _base(uz_pdf)
    # "kitob" finds "kitoblarimizni" (same stem); the Cyrillic query finds the Latin page.
    for q in ("kitob", "КИТОБЛАР"):
        layer = client.get(base + "pages/2.json", {"q": q}).json()  # page 1 is the title page
        assert len(layer["hits"]) == 3, q
        words = [w for w in layer["words"] if w[0].startswith("kitoblarimizni")]
        assert len(words) == 3
        # Each hit box sits on one of those words.
        for hit in layer["hits"]:
            assert any(abs(hit[0] - w[1]) < 0.01 and abs(hit[1] - w[2]) < 0.02 for w in words)
    page = client.get(base + "read", {"page": 2, "q": "китоб"}).content.decode()
    page_text = page.split('<details class="page-text"', 1)[1].split("</details>", 1)[0]
    assert page_text.count("<mark>kitoblarimizni</mark>") == 3
    assert client.get(base + "pages/2.json", {"q": "samolyot"}).json()["hits"] == []


def test_reader_page_without_javascript(client: Any, uz_pdf: Work) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English interface
    original = _original(uz_pdf)
    response = client.get(f"/works/{uz_pdf.pk}/read", {"page": 2, "q": "maktab"})
    assert response.status_code == 302
    assert response["Location"] == f"/works/{uz_pdf.pk}/files/{original.pk}/read?page=2&q=maktab"
    html = client.get(response["Location"]).content.decode()
    assert f'src="/works/{uz_pdf.pk}/files/{original.pk}/pages/2.webp?w=800"' in html
    assert 'width="800"' in html and re.search(r'height="11\d\d"', html)
    assert all(f"pages/2.webp?w={w} {w}w" in html for w in pdf.WIDTHS)
    assert 'alt="Page 2 of Kitoblar haqida"' in html
    assert 'rel="prev"' in html and 'name="page"' in html
    assert "<mark>maktabdagi</mark>" in html  # the page's text, marked, under <details>
    assert "reader/reader.js" in html and "reader/reader.css" in html
    assert "?viewer=pdfjs" in html
    assert use_counts(uz_pdf.pk).get("read") == 1
    # Reader assets load only on reader pages.
    work_page = client.get(f"/works/{uz_pdf.pk}").content.decode()
    assert "reader/reader" not in work_page
    assert client.get(f"/works/{uz_pdf.pk}/files/{original.pk}/read", {"page": 99}).status_code == 404


def test_pdfjs_viewer_uses_ranged_download(client: Any, uz_pdf: Work) -> None:
    original = _original(uz_pdf)
    html = client.get(f"/works/{uz_pdf.pk}/files/{original.pk}/read", {"viewer": "pdfjs"}).content.decode()
    assert "vendor/pdfjs/pdf.min.mjs" in html and "vendor/pdfjs/pdf.worker.min.mjs" in html
    url = re.search(r'data-url="([^"]+)"', html)
    assert url is not None
    part = client.get(url[1].replace("&amp;", "&"), HTTP_RANGE="bytes=0-1023")
    assert part.status_code == 206
    assert _body(part)[:5] == b"%PDF-"


def test_work_page_links_to_the_reader(client: Any, uz_pdf: Work) -> None:
    original = _original(uz_pdf)
    html = client.get(f"/works/{uz_pdf.pk}", {"q": "maktab"}).content.decode()
    assert f'href="/works/{uz_pdf.pk}/read"' in html  # the Read button
    assert f'href="/works/{uz_pdf.pk}/files/{original.pk}/read"' in html  # per file
    assert re.search(rf'href="/works/{uz_pdf.pk}/read\?page=\d+&amp;q=maktab"', html)  # hits open the reader
    assert f'href="/works/{uz_pdf.pk}/text.txt"' in html


def test_closed_work_pages_are_private(client: Any, uz_pdf: Work, django_user_model: Any) -> None:
    Work.objects.filter(pk=uz_pdf.pk).update(access="registered")
    base = _base(uz_pdf)
    assert client.get(base + "pages/1.webp").status_code == 404
    reader = django_user_model.objects.create_user(username="talaba", password="a-long-test-password")
    client.force_login(reader)
    response = client.get(base + "pages/1.webp")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_access_copy_is_read_first(client: Any, uz_pdf: Work, tmp_path: Any) -> None:
    """An OCR'd access copy (here: another real PDF) beats the original it was derived from."""
    from javon.ingest import samples
    from javon.storage import services as storage
    from javon.storage.models import File

    original = _original(uz_pdf)
    data = samples.text_to_pdf("Nusxa sahifasi. " * 50, title="Nusxa", author="Test", language="uz")
    blob, _created = storage.store_bytes(data, "application/pdf")
    access_copy = File.objects.create(
        work=uz_pdf, blob=blob, role=FileRole.ACCESS, name="kitoblar-ocr.pdf", mime="application/pdf",
        size=blob.size, derived_from=original,
    )  # fmt: skip
    response = client.get(f"/works/{uz_pdf.pk}/read", {"page": 2, "q": "kitob"})
    assert response["Location"] == f"/works/{uz_pdf.pk}/files/{access_copy.pk}/read?page=2&q=kitob"
    html = client.get(response["Location"]).content.decode()
    # Its page text comes from the original's extracted pages (the OCR engineer's rows), marked.
    assert "<mark>kitoblarimizni</mark>" in html
    image = client.get(f"/works/{uz_pdf.pk}/files/{access_copy.pk}/pages/1.webp")
    assert image.status_code == 200
    assert image["ETag"] != client.get(_base(uz_pdf) + "pages/1.webp")["ETag"]
