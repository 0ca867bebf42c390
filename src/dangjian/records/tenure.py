"""Dated tenure: a record that holds from a start date to an end date (任职, 联系点, and the dated records to come).

CONTRACT §2: 「A blank start date means "since always"; a blank end date means "still so".
A record is active on day D when its start is blank or ≤ D and its end is blank or ≥ D.」
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .querysets import ScopedQuerySetMixin

END_BEFORE_START = "结束日期早于开始日期"


def active_q(day, prefix=""):
    """The records active on ``day``; ``prefix`` reaches them through a relation (``"posts__"``)."""
    return ((Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day}))
            & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})))


def started_by_q(day, prefix=""):
    """The records begun on or before ``day`` (blank start: since always), whatever their end."""
    return Q(**{f"{prefix}start_date__isnull": True}) | Q(**{f"{prefix}start_date__lte": day})


def ends_before_start(start, end):
    """Whether an end date comes before its start date (either blank: it cannot)."""
    return bool(start and end and end < start)


class TenureQuerySet(ScopedQuerySetMixin, models.QuerySet):
    def active_on(self, day):
        return self.filter(active_q(day))


class Tenure(models.Model):
    """Abstract: ``start_date``/``end_date``, the rule "end not before start", ``active_on(day)``.

    A model names its own dates (任职日期/免职日期) by overriding the fields with its
    verbose names, and its message by ``END_BEFORE_START``.
    """

    END_BEFORE_START = END_BEFORE_START
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    objects = TenureQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_active_on(self, day):
        return (self.start_date is None or self.start_date <= day) and (self.end_date is None or self.end_date >= day)

    def clean(self):
        super().clean()
        if ends_before_start(self.start_date, self.end_date):
            raise ValidationError({"end_date": self.END_BEFORE_START})
