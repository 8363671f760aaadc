"""Summary data behind every statistic (CONTRACT.md §6).

``StatDelta`` holds integer deltas per (grain, first day of the period, unit, procedure,
officer): flows count on the local date of their event; stocks are +1/-1 on the dates a
dossier enters or leaves a state, so a stock at the end of day D is the sum of its deltas
up to D. Each delta is written three times, at the grains day, month and year, so any
prefix of time is a handful of coarse rows plus a few fine ones.

``StatState`` remembers each dossier's current contribution to the stocks (its status,
whether it was received, its officer and the local date it falls due), so that the hook
removes exactly what it added before. See docs/statistics.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

FLOW_COLUMNS = (
    "received_online",
    "received_counter",
    "received_postal",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "refused",
    "withdrawn",
    "stopped",
    "returned",
    "paid",
    "paid_online",
    # Decision 766 indicator 2.1 as the national portal reads it (motcua.reports.national).
    "nat_ended",
    "nat_ended_on_time",
)
STOCK_COLUMNS = (
    "open",
    "in_progress",
    "overdue",
    "paused_supplement",
    "paused_payment",
    "nat_active",
    "nat_overdue",
    "nat_waiting",
    "nat_waiting_on_time",
)
COLUMNS = FLOW_COLUMNS + STOCK_COLUMNS


class Grain(models.TextChoices):
    DAY = "d", _("ngày")
    MONTH = "m", _("tháng")
    YEAR = "y", _("năm")


class StatDelta(models.Model):
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    unit_id = models.IntegerField()
    field_id = models.IntegerField()
    procedure_id = models.IntegerField()
    officer = models.IntegerField(default=0)  # user id of the assignee, 0 = none

    received_online = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)
    paused_supplement = models.IntegerField(default=0)
    paused_payment = models.IntegerField(default=0)
    nat_ended = models.IntegerField(default=0)
    nat_ended_on_time = models.IntegerField(default=0)
    nat_active = models.IntegerField(default=0)
    nat_overdue = models.IntegerField(default=0)
    nat_waiting = models.IntegerField(default=0)
    nat_waiting_on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "day", "unit_id", "procedure_id", "officer"],
                name="unique_stat_delta",
            )
        ]


class StatState(models.Model):
    """A dossier's current contribution to the stocks."""

    dossier_id = models.BigIntegerField(primary_key=True)
    status = models.CharField(max_length=24)
    received = models.BooleanField(default=False)
    officer = models.IntegerField(default=0)
    due_day = models.DateField(null=True)


class NationalFact(models.Model):
    """One received dossier's facts for the cohort indicators of Decision 766 (2.2 average
    resolution time, 3.6 paid online): each is set once by the event that makes it true,
    so "as of the end of T" is a condition ``<= T`` on them."""

    dossier_id = models.BigIntegerField(primary_key=True)
    unit_id = models.IntegerField()
    field_id = models.IntegerField()
    procedure_id = models.IntegerField()
    received_day = models.DateField()
    resolved_day = models.DateField(null=True)
    resolution_seconds = models.BigIntegerField(null=True)
    paid_online_day = models.DateField(null=True)

    class Meta:
        verbose_name = _("dữ kiện chỉ số 766")
        verbose_name_plural = _("dữ kiện chỉ số 766")
        indexes = [
            models.Index(fields=["procedure_id", "received_day"], name="natfact_procedure_day"),
            models.Index(fields=["paid_online_day", "received_day"], name="natfact_paid_online"),
        ]
