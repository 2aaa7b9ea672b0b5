"""Uzbek (Cyrillic): Django's Uzbek formats with the year word in Cyrillic (29-ноябр, 2026-йил)."""

from django.conf.locale.uz.formats import (
    DATE_INPUT_FORMATS as _LATIN_DATE_INPUT_FORMATS,
)
from django.conf.locale.uz.formats import (
    DATETIME_INPUT_FORMATS as _LATIN_DATETIME_INPUT_FORMATS,
)

DATE_FORMAT = r"j-E, Y-\й\и\л"
TIME_FORMAT = "G:i"
DATETIME_FORMAT = r"j-E, Y-\й\и\л G:i"
YEAR_MONTH_FORMAT = r"F Y-\й\и\л"
MONTH_DAY_FORMAT = "j-E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates: the numeric forms are the same; month names are read in Latin as before.
DATE_INPUT_FORMATS = list(_LATIN_DATE_INPUT_FORMATS)
DATETIME_INPUT_FORMATS = list(_LATIN_DATETIME_INPUT_FORMATS)
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
