"""Citizen feedback (phản ánh, kiến nghị, PAKN) and its audited handling (CONTRACT.md §11).

One row per feedback carries everything indicators 5.1–5.4 of Decision 766/QĐ-TTg count
(reference/766-indicators.md group 5): the unit handling it, when it was received, its
category and status, the four legal deadlines and the time each step happened. A count
is a plain query over this table; ``FeedbackEvent`` keeps the history of each step.

Only ``motcua.feedback.services`` writes these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.units.models import Unit


class Category(models.TextChoices):
    REGULATION = "regulation", _("Về quy định hành chính, thủ tục")
    CONDUCT = "conduct", _("Về hành vi, thái độ của cán bộ")
    OTHER = "other", _("Khác")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    ACCEPTED = "accepted", _("Đang xử lý")
    INFO_REQUESTED = "info_requested", _("Chờ người gửi bổ sung thông tin")
    ANSWERED = "answered", _("Đã có trả lời, chờ công khai")
    PUBLISHED = "published", _("Đã công khai trả lời")
    REFUSED = "refused", _("Không tiếp nhận xử lý")


OPEN_STATUSES = frozenset(
    {FeedbackStatus.RECEIVED, FeedbackStatus.ACCEPTED, FeedbackStatus.INFO_REQUESTED}
)
CLOSED_STATUSES = frozenset({FeedbackStatus.PUBLISHED, FeedbackStatus.REFUSED})


class FeedbackCounter(models.Model):
    """The last number used on one local day; locked while a code is taken."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)


class Feedback(models.Model):
    code = models.CharField(_("mã phản ánh"), max_length=24, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="feedback", verbose_name=_("đơn vị xử lý")
    )
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        verbose_name=_("hồ sơ liên quan"),
    )
    # Raised again about the answer of an earlier feedback (indicator 5.3).
    reopens = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reopened_by"
    )
    # Sent by the national portal (POST /api/v1/national/feedback): its own id, kept so a
    # retried call finds the same feedback.
    national_code = models.CharField(
        _("mã trên Cổng DVCQG"), max_length=64, null=True, blank=True, unique=True
    )
    category = models.CharField(_("nhóm"), max_length=16, choices=Category.choices)
    content = models.TextField(_("nội dung"), max_length=5000)
    name = models.CharField(_("người gửi"), max_length=255)
    phone = models.CharField(_("điện thoại"), max_length=16, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=FeedbackStatus.choices, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_feedback",
    )

    received_at = models.DateTimeField(_("tiếp nhận lúc"), db_index=True)
    # The legal limits, in working days on the working-time calendar: refuse within 2 and
    # ask for more within 5 and answer within 15 of receipt; publish within 2 of the answer.
    refuse_due_at = models.DateTimeField()
    ask_more_due_at = models.DateTimeField()
    answer_due_at = models.DateTimeField()
    publish_due_at = models.DateTimeField(null=True, blank=True)

    accepted_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    info_requested_at = models.DateTimeField(null=True, blank=True)
    info_received_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    refuse_reason = models.TextField(blank=True)
    info_request = models.TextField(blank=True)
    info_reply = models.TextField(blank=True)
    answer = models.TextField(_("trả lời"), blank=True)

    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.CharField(max_length=16, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["unit", "received_at"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class FeedbackEvent(models.Model):
    """One step of handling a feedback; append-only."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["feedback", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "seq"], name="unique_feedback_event_seq")
        ]


class FeedbackReaction(models.Model):
    """A reader's like or dislike of a published answer, once per client."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="reactions")
    client = models.CharField(max_length=64)
    liked = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feedback", "client"], name="unique_feedback_reaction")
        ]
