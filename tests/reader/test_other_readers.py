"""EPUB, text, audio readers, "text only", and access: every reader URL of a closed work is 404."""

from __future__ import annotations

import re
from typing import Any

import pytest

from javon.catalog.models import Work
from javon.stats.services import use_counts
from javon.storage.models import FileRole, PageText

pytestmark = pytest.mark.django_db(transaction=True)


def _original(work: Work) -> Any:
    return work.files.get(role=FileRole.ORIGINAL)


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_hostile_epub_is_sanitised(client: Any, hostile_epub: Work) -> None:
    original = _original(hostile_epub)
    response = client.get(f"/works/{hostile_epub.pk}/read", {"q": "kitob"})
    assert response["Location"] == f"/works/{hostile_epub.pk}/files/{original.pk}/read?q=kitob"
    html = client.get(f"/works/{hostile_epub.pk}/files/{original.pk}/chapters/1", {"q": "kitob"}).content.decode()
    chapter = html.split('<article class="reader-text epub-chapter"', 1)[1].split("</article>", 1)[0]
    for bad in ("<script", "alert(", "onload", "onclick", "onerror", "javascript:", "evil.example", "data:", "<style",
                "style=", "<iframe", "<form", "<input", "<svg"):  # fmt: skip
        assert bad not in chapter.lower(), bad
    assert "<mark>Kitoblarimizni</mark>" in chapter  # the query's word, marked in the chapter
    assert 'id="c-top"' in chapter and 'href="#c-top"' in chapter  # ids prefixed, anchors follow
    assert f'href="/works/{hostile_epub.pk}/files/{original.pk}/read?page=2&amp;q=kitob#c-s2"' in chapter
    assert 'href="https://example.org/ok"' in chapter and "noopener" in chapter
    image_url = f"/works/{hostile_epub.pk}/files/{original.pk}/epub/OEBPS/images/pic.png"
    assert f'src="{image_url}"' in chapter
    image = client.get(image_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert _body(image).startswith(b"\x89PNG")
    # Only raster images the manifest declares: not the SVG, not the chapters, not paths out.
    base = f"/works/{hostile_epub.pk}/files/{original.pk}/epub/"
    for name in ("OEBPS/images/evil.svg", "OEBPS/one.xhtml", "META-INF/container.xml", "../../etc/passwd"):
        assert client.get(base + name).status_code == 404, name
    assert "Ikkinchi bob" in client.get(f"/works/{hostile_epub.pk}/files/{original.pk}/chapters/2").content.decode()
    assert client.get(f"/works/{hostile_epub.pk}/files/{original.pk}/chapters/3").status_code == 404


def test_text_reader_pages_and_highlights(client: Any, text_work: Work) -> None:
    original = _original(text_work)
    count = PageText.objects.filter(file=original).count()
    assert count >= 3
    url = f"/works/{text_work.pk}/files/{original.pk}/read"
    assert client.get(f"/works/{text_work.pk}/read")["Location"] == url
    html = client.get(url, {"page": 2, "q": "КИТОБХОН"}).content.decode()
    assert "<mark>kitobxon</mark>" in html
    assert f'href="{url}?page=1&amp;q=%D0%9A' in html and f'href="{url}?page=3&amp;q=' in html
    assert f'max="{count}"' in html
    text = PageText.objects.get(file=original, number=2).text
    assert text.split()[0] in html
    assert client.get(url, {"page": count + 1}).status_code == 404


def test_audio_reader_seeks_with_range(client: Any, audio_work: Work) -> None:
    original = _original(audio_work)
    html = client.get(f"/works/{audio_work.pk}/files/{original.pk}/read").content.decode()
    player = re.search(r'<audio controls preload="metadata" src="([^"]+)"', html)
    assert player is not None
    src = player[1].replace("&amp;", "&")
    part = client.get(src, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{original.size}"
    assert part["Content-Type"].startswith("audio/")
    assert "inline" in part["Content-Disposition"]
    assert len(_body(part)) == 1000
    assert use_counts(audio_work.pk) == {"read": 1}  # the player's requests are not downloads


def test_text_only_download(client: Any, uz_pdf: Work) -> None:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the English interface
    original = _original(uz_pdf)
    work_page = client.get(f"/works/{uz_pdf.pk}").content.decode()
    stored = uz_pdf.files.get(role=FileRole.TEXT)
    assert re.search(rf'text.txt" download>Text only \(.txt\)</a> — {stored.size // 1024}[.,]\d', work_page)
    response = client.get(f"/works/{uz_pdf.pk}/text.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Kitoblar%20haqida.txt" in response["Content-Disposition"]
    text = _body(response).decode("utf-8")
    pages = list(PageText.objects.filter(file=original).values_list("text", flat=True))
    assert text.split("\f") == pages
    assert client.get(f"/works/{uz_pdf.pk}/text.txt", HTTP_RANGE="bytes=10-19").status_code == 206
    assert use_counts(uz_pdf.pk)["download"] == 1


def _reader_urls(work: Work) -> list[str]:
    f = _original(work)
    base = f"/works/{work.pk}/files/{f.pk}/"
    return [
        f"/works/{work.pk}/read",
        f"/works/{work.pk}/text.txt",
        base + "read",
        base + "read?page=2",
        base + "chapters/1",
        base + "pages/1.webp",
        base + "pages/1.jpg?w=480",
        base + "pages/1.json",
        base + "download",
        base + "download?inline=1",
        base + "epub/OEBPS/images/pic.png",
    ]


@pytest.mark.parametrize("closed", [{"status": Work.Status.PROCESSING}, {"access": "metadata-only"}])
def test_every_reader_url_is_404_for_a_closed_work(
    client: Any, uz_pdf: Work, hostile_epub: Work, text_work: Work, audio_work: Work, closed: dict[str, str]
) -> None:
    works = [uz_pdf, hostile_epub, text_work, audio_work]
    for work in works:  # all open first: the URLs are real
        assert client.get(_reader_urls(work)[0]).status_code == 302
    Work.objects.filter(pk__in=[w.pk for w in works]).update(**closed)
    for work in works:
        for url in _reader_urls(work):
            assert client.get(url).status_code == 404, url


def test_a_file_of_its_own_rule_is_closed_alone(client: Any, uz_pdf: Work) -> None:
    original = _original(uz_pdf)
    type(original).objects.filter(pk=original.pk).update(access="metadata-only")
    base = f"/works/{uz_pdf.pk}/files/{original.pk}/"
    for url in ("read", "pages/1.webp", "pages/1.json", "download"):
        assert client.get(base + url).status_code == 404, url
    assert client.get(f"/works/{uz_pdf.pk}/read").status_code == 404  # no other readable file
    assert client.get(f"/works/{uz_pdf.pk}/text.txt").status_code == 404  # its text is closed too
