"""Issued forms: the PDF of a form for one event of a dossier is made once (by a task
after the action commits, or on the spot when asked for first) and kept with its SHA-256,
so every download of it is the same file."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IssuedForm(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="issued_forms"
    )
    number = models.CharField(max_length=2)
    seq = models.PositiveIntegerField()  # the event the form reports
    attachment = models.OneToOneField(
        "dossiers.Attachment", on_delete=models.PROTECT, related_name="issued_form"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "number", "seq"], name="form_issued_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.dossier_id}/{self.seq}"
