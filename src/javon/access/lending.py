"""Controlled digital lending: a work with N copies is lent to at most N readers at a time,
each for LOAN_DAYS, read only in the online reader, returned by itself when due; readers
wait in line for a copy and the first is told when one comes free.

Who may borrow is the work's access rule (open, registered, group:…, onsite); staff read
without borrowing. Counting copies and granting a loan happen under a row lock on the work,
so two readers cannot take the last copy at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from javon.access import policy
from javon.access import services as access
from javon.access.models import Hold, Loan

log = logging.getLogger(__name__)


class LendingError(Exception):
    """Why a loan or a hold cannot be made, in words for the reader."""


@dataclass(frozen=True)
class Availability:
    copies: int
    on_loan: int
    offered: int  # copies kept for the next readers in line
    waiting: int

    @property
    def free(self) -> int:
        return max(self.copies - self.on_loan - self.offered, 0)


is_lent = access.is_lent


def _open_loans(now: dt.datetime | None = None) -> Q:
    return Q(returned=None, due__gt=now or timezone.now())


def active_loan(user: Any, work: Any) -> Loan | None:
    if user is None or not user.is_authenticated:
        return None
    return Loan.objects.filter(_open_loans(), work=work, user=user).first()


def availability(work: Any) -> Availability:
    now = timezone.now()
    return Availability(
        copies=work.lending_copies,
        on_loan=Loan.objects.filter(_open_loans(now), work=work).count(),
        offered=Hold.objects.filter(work=work, offer_expires__gt=now).count(),
        waiting=Hold.objects.filter(work=work).count(),
    )


def may_borrow(who: access.Who, work: Any) -> bool:
    """The rule admits the reader (ignoring lending); signed-in readers only."""
    viewer = access.viewer_for(who)
    return (
        viewer.authenticated
        and access.can_see(who, work)
        and policy.may_read(viewer, access.work_rule(work), timezone.localdate())
    )


def borrow(request: Any, work: Any) -> Loan:
    from javon.catalog.models import Work

    user = request.user
    if not is_lent(work):
        raise LendingError(_("This work is not lent: it is read without borrowing."))
    if not may_borrow(request, work):
        raise LendingError(_("You may not borrow this work."))
    now = timezone.now()
    with transaction.atomic():
        locked = Work.objects.select_for_update().get(pk=work.pk)
        existing = Loan.objects.filter(_open_loans(now), work=locked, user=user).first()
        if existing is not None:
            return existing
        on_loan = Loan.objects.filter(_open_loans(now), work=locked).count()
        offers = Hold.objects.filter(work=locked, offer_expires__gt=now)
        mine = offers.filter(user=user).first()
        kept_for_others = offers.count() - (1 if mine else 0)
        if on_loan + kept_for_others >= locked.lending_copies:
            raise LendingError(_("All copies are on loan. Join the waiting list to be told when one is free."))
        Loan.objects.filter(work=locked, user=user, returned=None).update(returned=now)  # an expired one
        loan = Loan.objects.create(work=locked, user=user, due=now + dt.timedelta(days=settings.LOAN_DAYS))
        Hold.objects.filter(work=locked, user=user).delete()
    access.audit(request, "loan.borrow", target=f"work:{work.pk}", detail={"due": loan.due.isoformat()})
    return loan


def give_back(request: Any, work: Any) -> bool:
    loan = active_loan(request.user, work)
    if loan is None:
        return False
    Loan.objects.filter(pk=loan.pk).update(returned=timezone.now())
    access.audit(request, "loan.return", target=f"work:{work.pk}")
    offer_free_copies(work)
    return True


def join_waiting_list(request: Any, work: Any) -> int:
    """Put the reader in line; returns their place (1 = next)."""
    if not is_lent(work) or not may_borrow(request, work):
        raise LendingError(_("You may not borrow this work."))
    if active_loan(request.user, work) is not None:
        raise LendingError(_("You have this work on loan already."))
    hold, _made = Hold.objects.get_or_create(work=work, user=request.user)
    return place_in_line(hold)


def leave_waiting_list(user: Any, work: Any) -> None:
    Hold.objects.filter(work=work, user=user).delete()
    offer_free_copies(work)


def place_in_line(hold: Hold) -> int:
    ahead = Q(created__lt=hold.created) | Q(created=hold.created, id__lte=hold.id)
    return Hold.objects.filter(ahead, work=hold.work).count()


def offer_free_copies(work: Any) -> int:
    """Tell the first readers in line that a copy is kept for them; returns offers made."""
    from javon.catalog.models import Work

    now = timezone.now()
    made = []
    with transaction.atomic():
        locked = Work.objects.select_for_update().get(pk=work.pk)
        Hold.objects.filter(work=locked, offer_expires__lte=now).delete()  # offers not taken up
        on_loan = Loan.objects.filter(_open_loans(now), work=locked).count()
        offered = Hold.objects.filter(work=locked, offer_expires__gt=now).count()
        free = locked.lending_copies - on_loan - offered
        if free > 0:
            for hold in Hold.objects.filter(work=locked, offered=None).select_related("user")[:free]:
                hold.offered = now
                hold.offer_expires = now + dt.timedelta(hours=settings.HOLD_OFFER_HOURS)
                hold.save(update_fields=["offered", "offer_expires"])
                made.append(hold)
    for hold in made:
        if hold.user.email:
            _tell(
                _("A copy is waiting for you"),
                _("A copy of “%(title)s” is kept for you until %(until)s. Borrow it here: %(url)s")
                % {
                    "title": work.title,
                    "until": timezone.localtime(hold.offer_expires).strftime("%Y-%m-%d %H:%M"),
                    "url": reverse("web:work", args=[work.pk]),
                },
                None,
                hold.user.email,
            )
    return len(made)


def _tell(subject: str, body: str, from_email: None, to: str) -> None:
    """Mail a reader; a mail server that is down must not undo a loan or a return."""
    try:
        send_mail(subject, body, from_email, [to])
    except OSError:
        log.warning("could not mail %s about a free copy", to, exc_info=True)


def return_due_loans() -> int:
    """Housekeeping: close loans past their due time and offer the copies to those waiting."""
    from javon.catalog.models import Work

    now = timezone.now()
    due = Loan.objects.filter(returned=None, due__lte=now)
    work_ids = set(due.values_list("work_id", flat=True))
    closed = due.update(returned=now)
    expired_offers = set(Hold.objects.filter(offer_expires__lte=now).values_list("work_id", flat=True))
    for work in Work.objects.filter(pk__in=work_ids | expired_offers):
        offer_free_copies(work)
    return closed


def loans_of(user: Any) -> list[dict[str, Any]]:
    return [
        dict(r) for r in Loan.objects.filter(user=user).values("work_id", "work__title", "start", "due", "returned")
    ]


def holds_of(user: Any) -> list[dict[str, Any]]:
    return [
        dict(r) for r in Hold.objects.filter(user=user).values("work_id", "work__title", "created", "offer_expires")
    ]


access.PERSONAL_DATA["loans"] = loans_of
access.PERSONAL_DATA["waiting_lists"] = holds_of
