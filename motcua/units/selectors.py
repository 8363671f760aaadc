"""Reads of units and memberships."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from motcua.units.models import Membership, Role, Unit


def unit_list() -> QuerySet[Unit]:
    return Unit.objects.select_related("parent").order_by("path")


def user_roles(*, user: User | AnonymousUser) -> set[tuple[str, int | None]]:
    """The (role, unit id) pairs a user holds."""
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", "unit_id"))


def user_has_role(*, user: User | AnonymousUser, role: Role, unit: Unit | None = None) -> bool:
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user, role=role)
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return memberships.exists()
