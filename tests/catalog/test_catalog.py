from __future__ import annotations

from typing import Any

import pytest

from javon.catalog.models import Collection, MetadataChange, Role
from javon.catalog.services import (
    CatalogError,
    Creator,
    WorkInput,
    create_work,
    get_or_create_collection,
    parse_creator,
    parse_creators,
    to_input,
    update_work,
)

pytestmark = pytest.mark.django_db


def test_parse_creators_with_roles_and_dates() -> None:
    assert parse_creator("Austen, Jane (1775-1817)") == Creator("Austen, Jane", Role.AUTHOR, "1775-1817")
    people = parse_creators(
        "Polo, Marco (1254-1324); Yule, Henry (translator, 1820-1889); Cordier, Henri (editor, 1849-1925)"
    )
    assert [(c.name, c.role, c.dates) for c in people] == [
        ("Polo, Marco", "author", "1254-1324"),
        ("Yule, Henry", "translator", "1820-1889"),
        ("Cordier, Henri", "editor", "1849-1925"),
    ]
    assert parse_creator("Mill (introduction, 1850-1928)").role == Role.CONTRIBUTOR
    assert parse_creator("Alisher Navoiy").dates == ""


def test_full_record_and_history(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("kutubxonachi", is_staff=True)
    work = create_work(
        WorkInput(
            title="Boburnoma",
            type="book",
            creators=[Creator("Zahiriddin Muhammad Bobur", dates="1483-1530")],
            alternative_titles=[{"title": "Бобурнома", "language": "uz", "script": "Cyrl"}],
            languages=["uz"],
            publisher="Sharq",
            place="Toshkent",
            date="2002",
            edition="2-nashr",
            series="Oʻzbek mumtoz adabiyoti",
            identifiers=[("isbn", "5-8250-0797-8"), ("udc", "821.512.133"), ("bbk", "84(5Ў)1")],
            subjects=["memuar", "tarix"],
            collections=["Mumtoz adabiyot/Nasr"],
            rights="Public domain",
            licence="PDM-1.0",
        ),
        actor="kutubxonachi",
        user=user,
    )
    assert work.year == 2002
    nested = Collection.objects.get(name="Nasr")
    assert nested.parent is not None and nested.parent.name == "Mumtoz adabiyot"
    assert work.alternative_titles.get().script == "Cyrl"
    data = to_input(work)
    data.title = "Boburnoma (Vaqoye)"
    data.subjects = ["memuar"]
    change = update_work(work, data, actor="kutubxonachi", user=user)
    assert change is not None
    assert change.changes["title"] == ["Boburnoma", "Boburnoma (Vaqoye)"]
    assert change.changes["subjects"] == [["memuar", "tarix"], ["memuar"]]
    assert change.user == user
    assert list(MetadataChange.objects.filter(work=work).values_list("action", flat=True)) == ["update", "create"]
    # Saving the same again records nothing new.
    assert update_work(work, to_input(work), actor="kutubxonachi") is None
    # The same collection path reuses the collections.
    assert get_or_create_collection("Mumtoz adabiyot/Nasr") == nested


def test_invalid_metadata_is_refused() -> None:
    with pytest.raises(CatalogError, match="title"):
        create_work(WorkInput(title="  "), actor="t")
    with pytest.raises(CatalogError, match="type"):
        create_work(WorkInput(title="x", type="novel"), actor="t")
    with pytest.raises(CatalogError, match="role"):
        create_work(WorkInput(title="x", creators=[Creator("A", role="ghost")]), actor="t")
