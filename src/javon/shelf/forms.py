"""Forms of the reader's space (all small POST forms that work without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from javon.shelf.services import MOVES, NAME_MAX, NOTE_MAX


class ShelfNameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)


class ShelveForm(forms.Form):
    """Put a work on a shelf (none chosen: the "Saved" shelf; a new name: a new shelf) or take it off."""

    shelf = forms.IntegerField(required=False, min_value=1)
    new_shelf = forms.CharField(required=False, max_length=NAME_MAX)
    remove = forms.BooleanField(required=False)


class MoveForm(forms.Form):
    work = forms.IntegerField(min_value=1)
    where = forms.ChoiceField(choices=[(m, m) for m in MOVES], required=False)


class ShareForm(forms.Form):
    public = forms.BooleanField(required=False)


class KeepHistoryForm(forms.Form):
    keep_history = forms.BooleanField(required=False)


class BookmarkForm(forms.Form):
    work = forms.IntegerField(min_value=1)
    file = forms.IntegerField(required=False, min_value=1)
    page = forms.IntegerField(min_value=1, max_value=1_000_000)
    note = forms.CharField(required=False, max_length=NOTE_MAX)
