"""The transactional outbox (CONTRACT.md §7): every message to the outside world is a row
written in the transaction of the event that causes it, then delivered by a worker.

A row is delivered at least once. Its id is the idempotency key the receiver may use to
drop a duplicate. Rows of one dossier on an ordered channel (the national portal) are
delivered strictly in id order: a row waits while an earlier row of the same dossier and
channel is not yet delivered or discarded.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Gửi không được")
    DISCARDED = "discarded", _("Đã bỏ")


# Rows that still hold back later rows of the same dossier on an ordered channel.
BLOCKING_STATUSES = (MessageStatus.PENDING, MessageStatus.SENDING, MessageStatus.DEAD)


class OutboxMessage(models.Model):
    channel = models.CharField(_("kênh"), max_length=32)
    payload = models.JSONField(_("nội dung"), default=dict)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
        verbose_name=_("hồ sơ"),
    )
    ordered = models.BooleanField(_("giữ thứ tự theo hồ sơ"), default=False)
    # A producer-chosen key that makes a second enqueue of the same message a no-op.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=MessageStatus.choices,
        default=MessageStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    max_attempts = models.PositiveIntegerField(_("số lần thử tối đa"), default=8)
    next_attempt_at = models.DateTimeField(_("lần thử kế tiếp"), default=timezone.now)
    # While a worker delivers a row it holds a lease; a worker killed mid-delivery leaves
    # the lease to expire, and the sweeper hands the row to another worker.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    delivered_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn gửi đi")
        verbose_name_plural = _("tin nhắn gửi đi")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["channel", "dossier", "status"], name="outbox_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk}"

    @property
    def idempotency_key(self) -> str:
        return f"motcua-outbox-{self.pk}"


class ScheduledRun(models.Model):
    """One row per scheduled job and time slot: the first worker to insert it runs the job,
    so several workers (several servers) never run the same slot twice."""

    job = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.IntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once"),
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"


class WorkerHeartbeat(models.Model):
    """Each ``motcua worker`` says it is alive every few seconds; ``motcua status`` reads it."""

    name = models.CharField(max_length=128, unique=True)
    host = models.CharField(max_length=128)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)
    concurrency = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return self.name
