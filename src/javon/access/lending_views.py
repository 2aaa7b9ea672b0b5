"""Borrowing, returning and waiting for lent works; the librarians' view of loans."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from javon.access import lending
from javon.access import services as access
from javon.access.models import Hold, Loan
from javon.catalog.models import Work


def _work(request: HttpRequest, work_id: int) -> Work:
    work = Work.objects.filter(pk=work_id).first()
    if work is None or not access.can_see(request, work):
        raise Http404(_("No such work"))
    return work


@require_POST
@login_required
def borrow(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work(request, work_id)
    try:
        loan = lending.borrow(request, work)
    except lending.LendingError as error:
        messages.error(request, str(error))
        return redirect("web:work", work_id=work.pk)
    due = date_format(timezone.localtime(loan.due), "DATETIME_FORMAT")
    messages.success(request, _("Borrowed until %(due)s. Read it online here.") % {"due": due})
    return redirect("reader:read_work", work_id=work.pk)


@require_POST
@login_required
def give_back(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work(request, work_id)
    if lending.give_back(request, work):
        messages.success(request, _("Returned. Thank you!"))
    return redirect("web:work", work_id=work.pk)


@require_POST
@login_required
def wait(request: HttpRequest, work_id: int) -> HttpResponse:
    work = _work(request, work_id)
    if request.POST.get("leave"):
        lending.leave_waiting_list(request.user, work)
        messages.success(request, _("You left the waiting list."))
        return redirect("web:work", work_id=work.pk)
    try:
        place = lending.join_waiting_list(request, work)
    except lending.LendingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are number %(n)s in line; we will write when a copy is free.") % {"n": place})
    return redirect("web:work", work_id=work.pk)


@staff_member_required
def loans(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    current = Loan.objects.filter(returned=None, due__gt=now).select_related("work", "user").order_by("due")[:500]
    waiting = Hold.objects.select_related("work", "user").order_by("work_id", "created")[:500]
    return render(request, "access/loans.html", {"loans": current, "holds": waiting})


def lending_context(request: HttpRequest, work: Work) -> dict[str, object]:
    """What the work page shows about lending."""
    if not lending.is_lent(work):
        return {}
    hold = Hold.objects.filter(work=work, user=request.user).first() if request.user.is_authenticated else None
    return {
        "lent": True,
        "availability": lending.availability(work),
        "loan": lending.active_loan(request.user, work),
        "hold": hold,
        "hold_place": lending.place_in_line(hold) if hold else None,
        "may_borrow": lending.may_borrow(request, work),
    }
