"""Writes of units and users (CONTRACT.md §1 ``createuser``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction

from motcua.core.services import audit_record
from motcua.units.models import STAFF_ROLES, Membership, Role, StaffProfile, Unit


@transaction.atomic
def user_create_or_update(
    *,
    username: str,
    password: str,
    roles: Sequence[tuple[str, str | None]] = (),
    superuser: bool = False,
    email: str = "",
    full_name: str = "",
    title: str = "",
    phone: str = "",
) -> AbstractUser:
    """Create a user or update one: password, roles (replacing the old ones) and flags.

    ``roles`` is a list of (role, unit code); staff roles need a unit, ``citizen`` has none.
    A staff member's ``full_name`` (natural order, one field), ``title`` and ``phone`` go to
    their staff profile, which every page, form and message names them by.
    """
    if not username.strip():
        raise ValidationError({"username": "Tên đăng nhập không được để trống."})
    if not password:
        raise ValidationError({"password": "Mật khẩu không được để trống."})
    resolved: list[tuple[Role, Unit | None]] = []
    for role_name, unit_code in roles:
        try:
            role = Role(role_name)
        except ValueError as exc:
            allowed = ", ".join(r.value for r in Role)
            raise ValidationError(
                {"role": f'vai trò "{role_name}" không tồn tại (có: {allowed})'}
            ) from exc
        unit = None
        if role not in {Role.CITIZEN, Role.NATIONAL}:
            if not unit_code:
                raise ValidationError({"unit": f'vai trò "{role.value}" cần --unit MÃ_ĐƠN_VỊ'})
            unit = Unit.objects.filter(code=unit_code).first()
            if unit is None:
                raise ValidationError({"unit": f'không có đơn vị mã "{unit_code}"'})
        resolved.append((role, unit))

    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    user.set_password(password)
    if email:
        user.email = email
    if full_name:
        parts = full_name.rsplit(" ", 1)
        user.last_name, user.first_name = (
            (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
        )
    user.is_superuser = superuser or (user.is_superuser and not created and not resolved)
    # Django admin is for system and unit administrators; officers work in the workspace.
    user.is_staff = user.is_superuser or any(role == Role.UNIT_ADMIN for role, _ in resolved)
    user.save()
    if any(role in STAFF_ROLES for role, _ in resolved) and (full_name or title or phone):
        profile, _created = StaffProfile.objects.get_or_create(
            user=user, defaults={"full_name": full_name.strip() or username}
        )
        if full_name.strip():
            profile.full_name = " ".join(full_name.split())
        if title:
            profile.title = title.strip()
        if phone:
            profile.phone = phone.strip()
        profile.save()
    if resolved or created:
        Membership.objects.filter(user=user).delete()
        Membership.objects.bulk_create(
            [Membership(user=user, unit=unit, role=role) for role, unit in resolved]
        )
    audit_record(
        actor=None,
        action="user.create" if created else "user.update",
        target=f"user:{username}",
        data={
            "roles": [[r.value, u.code if u else None] for r, u in resolved],
            "superuser": superuser,
        },
    )
    return user
