from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from javon.catalog.models import Work
from tests.factories import make_work, write_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_openapi_document(client: Any) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for path in ["/api/v1/works", "/api/v1/works/{work_id}", "/api/v1/search", "/api/v1/imports/{job_id}"]:
        assert path in doc["paths"], path


def test_list_works_keyset_pagination(client: Any) -> None:
    made = [make_work(title=f"Kitob {i}") for i in range(5)]
    first = client.get("/api/v1/works", {"limit": 2}).json()
    assert [w["id"] for w in first["items"]] == [made[4].pk, made[3].pk]
    second = client.get("/api/v1/works", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [w["id"] for w in second["items"]] == [made[2].pk, made[1].pk]
    last = client.get("/api/v1/works", {"limit": 2, "cursor": second["next_cursor"]}).json()
    assert [w["id"] for w in last["items"]] == [made[0].pk]
    assert last["next_cursor"] is None


def test_work_detail_shape_and_errors(client: Any) -> None:
    work = make_work(identifiers=[("isbn", "978-9943-01-234-5")], subjects=["tarix"])
    body = client.get(f"/api/v1/works/{work.pk}").json()
    for key in ["id", "url", "title", "creators", "type", "language", "year", "files"]:
        assert key in body
    assert body["url"] == f"/works/{work.pk}"
    assert body["creators"] == ["Qodiriy, Abdulla"]
    assert body["identifiers"] == [{"scheme": "isbn", "value": "978-9943-01-234-5"}]
    missing = client.get("/api/v1/works/999999")
    assert missing.status_code == 404
    assert "999999" in missing.json()["error"]
    bad = client.get("/api/v1/works/abc")
    assert bad.status_code == 422


def test_search_shape(client: Any) -> None:
    make_work(title="Boburnoma", year=1530)
    body = client.get("/api/v1/search", {"q": "бобурнома"}).json()
    assert body["total"] == 1
    assert set(body["facets"]) >= {"type", "language", "year"}
    hit = body["hits"][0]
    assert {"id", "title", "creators", "year", "type", "language", "snippet", "page", "url"} <= set(hit)
    assert client.get("/api/v1/search", {"q": "x", "sort": "nonsense"}).status_code == 400


def test_post_work_needs_a_staff_token(client: Any, api_token: str, django_user_model: Any) -> None:
    payload = json.dumps({"title": "Metadata only", "creators": ["Navoiy, Alisher (1441-1501)"], "year": 1499})
    assert client.post("/api/v1/works", payload, content_type="application/json").status_code == 401
    wrong = client.post(
        "/api/v1/works", payload, content_type="application/json", HTTP_AUTHORIZATION="Bearer jvn_wrong"
    )
    assert wrong.status_code == 401
    ok = client.post(
        "/api/v1/works", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {api_token}"
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["creators"] == ["Navoiy, Alisher"]
    invalid = client.post(
        "/api/v1/works",
        json.dumps({"title": ""}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )
    assert invalid.status_code == 400
    assert "title" in invalid.json()["error"]


def test_post_files_multipart(client: Any, api_token: str, tmp_path: Path, corpus: Path) -> None:
    pdf = write_pdf(
        tmp_path, "ertak.pdf", (corpus / "uz-xalq-ertagi-urtoqmoq.txt").read_text(), title="Urtoqmoq", author="Xalq"
    )
    with pdf.open("rb") as fh:
        response = client.post(
            "/api/v1/works",
            {"file": fh, "metadata": json.dumps({"type": "book", "collections": ["Ertaklar"]})},
            HTTP_AUTHORIZATION=f"Bearer {api_token}",
        )
    assert response.status_code == 202, response.content
    report = response.json()
    assert report["counts"]["ok"] == 1
    work = Work.objects.get(pk=report["items"][0]["work_id"])
    assert work.collections.get().name == "Ertaklar"
    status = client.get(report["status_url"], HTTP_AUTHORIZATION=f"Bearer {api_token}").json()
    assert status["counts"]["ok"] == 1
    text = client.get(f"/api/v1/works/{work.pk}/text")
    assert text.status_code == 200
    assert "\f" in text.content.decode() or len(work.files.get(role="original").pages.all()) == 1


def test_search_inside_a_work(client: Any, api_token: str, tmp_path: Path, corpus: Path) -> None:
    text = (corpus / "en-wells-the-time-machine.txt").read_text()[:20000]
    pdf = write_pdf(tmp_path, "tm.pdf", text, title="The Time Machine", author="Wells, H. G.")
    with pdf.open("rb") as fh:
        report = client.post("/api/v1/works", {"file": fh}, HTTP_AUTHORIZATION=f"Bearer {api_token}").json()
    work_id = report["items"][0]["work_id"]
    body = client.get(f"/api/v1/works/{work_id}/search", {"q": "Time Traveller"}).json()
    assert body["work_id"] == work_id
    assert body["hits"], body
    assert all(isinstance(h["page"], int) and "<mark>" in h["snippet"] for h in body["hits"])
    assert client.get("/api/v1/works/999999/search", {"q": "x"}).status_code == 404


def test_an_upload_over_the_limit_fails_alone(client: Any, api_token: str, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("big.txt", b"x" * 5000, "text/plain")
    small = SimpleUploadedFile("small.txt", b"Kichik matn, katta umid.", "text/plain")
    report = client.post("/api/v1/works", {"file": [big, small]}, HTTP_AUTHORIZATION=f"Bearer {api_token}").json()
    by_path = {i["path"]: i for i in report["items"]}
    assert by_path["big.txt"]["status"] == "failed"
    assert "over the limit" in by_path["big.txt"]["error"]
    assert by_path["small.txt"]["status"] == "ok"
    assert Work.objects.count() == 1
