"""Writes of ratings: one per dossier, once its result was returned."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier, Status
from motcua.portal.models import Rating

COMMENT_MAX = 2000


class RatingInvalid(DomainError):
    status_code = 400

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field, messages = next(iter(errors.items()))
        super().__init__(f"{field}: {messages[0]}")
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.errors}


class RatingConflict(DomainError):
    status_code = 409


def rating_allowed(dossier: Dossier) -> bool:
    return dossier.status == Status.RETURNED and not Rating.objects.filter(dossier=dossier).exists()


def rating_clean(score: Any, comment: Any) -> tuple[int, str]:
    errors: dict[str, list[str]] = {}
    try:
        value = int(score)
        if isinstance(score, bool) or str(score).strip() != str(value):
            raise ValueError
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        errors["score"] = ["Chọn mức hài lòng từ 1 đến 5."]
    text = comment if isinstance(comment, str) else ""
    if comment not in (None, "") and not isinstance(comment, str):
        errors["comment"] = ["Góp ý phải là chuỗi ký tự."]
    elif len(text) > COMMENT_MAX:
        errors["comment"] = [f"Góp ý tối đa {COMMENT_MAX} ký tự."]
    if errors:
        raise RatingInvalid(errors)
    return value, text.strip()


def rating_create(
    *,
    dossier: Dossier,
    score: Any,
    comment: Any = "",
    user: Any = None,
    via_lookup: bool = False,
    liked: Any = None,
) -> Rating:
    """Record the applicant's satisfaction with a returned dossier; once per dossier. With
    ``liked`` (true or false) the "like/dislike" of the service (indicator 5.4)."""
    value, text = rating_clean(score, comment)
    if liked is not None and not isinstance(liked, bool):
        raise RatingInvalid({"liked": ["Chọn thích (true) hoặc không thích (false)."]})
    if dossier.status != Status.RETURNED:
        raise RatingConflict("Chỉ đánh giá được sau khi hồ sơ đã trả kết quả.")
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier,
                score=value,
                comment=text,
                user=user if getattr(user, "is_authenticated", False) else None,
                via_lookup=via_lookup,
                liked=liked,
            )
    except IntegrityError:
        raise RatingConflict("Hồ sơ này đã được đánh giá.") from None
