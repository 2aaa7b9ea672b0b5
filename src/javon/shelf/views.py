"""Pages of the reader's space: parse, call javon.shelf.services, render or redirect.

A shelf or bookmark is always fetched by (id, owner): another reader gets 404, as for an id
that does not exist. Works are checked with access.can_see before anything names them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from javon.access import services as access
from javon.catalog.models import Work
from javon.shelf import forms
from javon.shelf import services as space
from javon.shelf.models import Bookmark, Shelf
from javon.storage.models import File


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (`next`), if it is one of ours."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = default
    return HttpResponseRedirect(target)


def _own_shelf(request: HttpRequest, shelf_id: int) -> Shelf:
    return get_object_or_404(Shelf, pk=shelf_id, user=request.user)


def _visible_work(request: HttpRequest, work_id: int | None) -> Work:
    work = Work.objects.filter(pk=work_id).first() if work_id else None
    if work is None or not access.can_see(request, work):
        raise Http404(_("No such work"))
    return work


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# --- shelves ---------------------------------------------------------------------------------
@login_required
def shelves(request: HttpRequest) -> HttpResponse:
    """My shelves, and a form to make one."""
    form = forms.ShelfNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shelf = space.create_shelf(request.user, form.cleaned_data["name"])
        except space.ShelfError as error:
            form.add_error("name", str(error))
        else:
            return redirect("shelf:detail", shelf.pk)
    rows = [(shelf, len(space.shelf_items(request, shelf))) for shelf in space.shelves_of(request.user)]
    return _private(render(request, "shelf/shelves.html", {"rows": rows, "form": form}))


@require_safe
@login_required
def shelf_detail(request: HttpRequest, shelf_id: int) -> HttpResponse:
    shelf = _own_shelf(request, shelf_id)
    share_url = request.build_absolute_uri(reverse("shelf:shared", args=[shelf.share_token])) if shelf.is_public else ""
    context = {"shelf": shelf, "items": space.shelf_items(request, shelf), "share_url": share_url}
    return _private(render(request, "shelf/shelf.html", context))


@require_POST
@login_required
def shelf_rename(request: HttpRequest, shelf_id: int) -> HttpResponse:
    shelf = _own_shelf(request, shelf_id)
    form = forms.ShelfNameForm(request.POST)
    try:
        if not form.is_valid():
            raise space.ShelfError(_("A shelf needs a name."))
        space.rename_shelf(shelf, form.cleaned_data["name"])
    except space.ShelfError as error:
        messages.error(request, str(error))
    return redirect("shelf:detail", shelf.pk)


@require_POST
@login_required
def shelf_delete(request: HttpRequest, shelf_id: int) -> HttpResponse:
    shelf = _own_shelf(request, shelf_id)
    space.delete_shelf(shelf)
    messages.success(request, _("The shelf “%(name)s” is deleted.") % {"name": shelf.title})
    return redirect("shelf:list")


@require_POST
@login_required
def shelf_share(request: HttpRequest, shelf_id: int) -> HttpResponse:
    shelf = _own_shelf(request, shelf_id)
    form = forms.ShareForm(request.POST)
    space.share_shelf(shelf, form.is_valid() and form.cleaned_data["public"])
    return redirect("shelf:detail", shelf.pk)


@require_POST
@login_required
def shelf_move(request: HttpRequest, shelf_id: int) -> HttpResponse:
    """Move a work (where=up/down/top/bottom) or, without `where`, take it off the shelf."""
    shelf = _own_shelf(request, shelf_id)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        raise Http404(_("No such work"))
    work_id, where = form.cleaned_data["work"], form.cleaned_data["where"]
    if not where:
        space.remove_from_shelf(shelf, work_id)
    else:
        try:
            space.move(request, shelf, work_id, where)
        except space.ShelfError:
            raise Http404(_("No such work")) from None
    return _back(request, reverse("shelf:detail", args=[shelf.pk]))


@require_POST
@login_required
def shelve(request: HttpRequest, work_id: int) -> HttpResponse:
    """The work page's form: put the work on a shelf, or take it off one."""
    work = _visible_work(request, work_id)
    form = forms.ShelveForm(request.POST)
    if not form.is_valid():
        raise Http404(_("No such shelf"))
    data = form.cleaned_data
    shelf: Shelf | None = _own_shelf(request, data["shelf"]) if data["shelf"] else None
    try:
        if data["remove"]:
            if shelf is not None and space.remove_from_shelf(shelf, work.pk):
                messages.success(request, _("Taken off “%(name)s”.") % {"name": shelf.title})
        else:
            if data["new_shelf"].strip():
                shelf = space.create_shelf(request.user, data["new_shelf"])
            shelf = shelf or space.default_shelf(request.user)
            space.add_to_shelf(request, shelf, work)
            messages.success(request, _("Put on “%(name)s”.") % {"name": shelf.title})
    except space.ShelfError as error:
        messages.error(request, str(error))
    return _back(request, reverse("web:work", args=[work.pk]))


@require_safe
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """A shelf its owner shared: read-only, listing only the works this viewer may see."""
    shelf = space.shared_shelf(token)
    if shelf is None:
        raise Http404(_("No such shelf"))
    response = render(request, "shelf/shared.html", {"shelf": shelf, "items": space.shelf_items(request, shelf)})
    # Staff see more than others, and a link stops working the moment its owner stops sharing.
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"  # a link given to some, not a page for search engines
    return response


# --- history ---------------------------------------------------------------------------------
@require_safe
@login_required
def history(request: HttpRequest) -> HttpResponse:
    context = {"entries": space.history(request, request.user), "keep": space.keeps_history(request.user)}
    return _private(render(request, "shelf/history.html", context))


@require_POST
@login_required
def history_clear(request: HttpRequest) -> HttpResponse:
    space.clear_history(request.user)
    messages.success(request, _("Your reading history is cleared."))
    return _back(request, reverse("shelf:history"))


@require_POST
@login_required
def history_setting(request: HttpRequest) -> HttpResponse:
    form = forms.KeepHistoryForm(request.POST)
    keep = form.is_valid() and form.cleaned_data["keep_history"]
    space.set_keep_history(request.user, keep)
    if not keep:
        messages.success(request, _("Javon keeps no reading history for you now."))
    return _back(request, reverse("shelf:history"))


# --- bookmarks -------------------------------------------------------------------------------
@require_safe
@login_required
def bookmarks(request: HttpRequest) -> HttpResponse:
    rows = [(b, space.bookmark_url(b)) for b in space.bookmarks(request, request.user)]
    return _private(render(request, "shelf/bookmarks.html", {"rows": rows}))


@require_POST
@login_required
def bookmark_add(request: HttpRequest) -> HttpResponse:
    form = forms.BookmarkForm(request.POST)
    if not form.is_valid():
        raise Http404(_("No such page"))
    data: dict[str, Any] = form.cleaned_data
    work = _visible_work(request, data["work"])
    file = File.objects.filter(pk=data["file"], work=work).first() if data["file"] else None
    if data["file"] and file is None:
        raise Http404(_("No such file"))
    bookmark = space.add_bookmark(request, request.user, work, file, data["page"], data["note"])
    messages.success(request, _("Bookmarked."))
    return _back(request, space.bookmark_url(bookmark))


@require_POST
@login_required
def bookmark_delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    get_object_or_404(Bookmark, pk=bookmark_id, user=request.user).delete()
    return _back(request, reverse("shelf:bookmarks"))
