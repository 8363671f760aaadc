"""The unit tree: materialised paths, subtree moves, successor links."""

from __future__ import annotations

import pytest

from motcua.units.models import Unit, UnitLevel

pytestmark = pytest.mark.django_db


def _unit(code: str, parent: Unit | None = None, level: str = UnitLevel.DEPARTMENT) -> Unit:
    return Unit.objects.create(code=code, name=f"Đơn vị {code}", level=level, parent=parent)


def _path_codes(unit: Unit) -> list[str]:
    unit.refresh_from_db()
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    by_id = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "code"))
    return [by_id[i] for i in ids]


def test_path_lists_the_ancestors_from_the_root() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    child = _unit("A", root)
    grandchild = _unit("A1", child)

    assert _path_codes(grandchild) == ["R", "A", "A1"]
    assert set(root.subtree().values_list("code", flat=True)) == {"R", "A", "A1"}
    assert set(child.subtree().values_list("code", flat=True)) == {"A", "A1"}


def test_moving_a_unit_moves_its_whole_subtree() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    old_parent = _unit("OLD", root)
    new_parent = _unit("NEW", root)
    moved = _unit("M", old_parent)
    child = _unit("M1", moved)
    grandchild = _unit("M11", child)

    moved.parent = new_parent
    moved.save()

    assert _path_codes(grandchild) == ["R", "NEW", "M", "M1", "M11"]
    assert _path_codes(child) == ["R", "NEW", "M", "M1"]
    assert set(new_parent.subtree().values_list("code", flat=True)) == {"NEW", "M", "M1", "M11"}
    assert set(old_parent.subtree().values_list("code", flat=True)) == {"OLD"}


def test_unit_moved_to_the_top_becomes_a_root_with_its_subtree() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    moved = _unit("M", root)
    child = _unit("M1", moved)

    moved.parent = None
    moved.save()

    assert _path_codes(child) == ["M", "M1"]
    assert set(root.subtree().values_list("code", flat=True)) == {"R"}


def test_sibling_with_a_longer_id_is_not_part_of_the_subtree() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    units = [_unit(f"U{i}", root) for i in range(12)]

    # /1/2/ must not match /1/12/: the trailing slash keeps prefixes apart.
    assert list(units[0].subtree().values_list("code", flat=True)) == ["U0"]


def test_renaming_a_unit_keeps_its_path() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    child = _unit("A", root)
    path = child.path

    child.name = "Tên mới"
    child.save()

    child.refresh_from_db()
    assert child.path == path


def test_merged_unit_points_to_its_successor_and_back() -> None:
    root = _unit("R", level=UnitLevel.PROVINCE)
    new = _unit("X-NEW", root, level=UnitLevel.COMMUNE)
    old_a = Unit.objects.create(
        code="X-A", name="Xã A", level=UnitLevel.COMMUNE, parent=root, successor=new
    )
    old_b = Unit.objects.create(
        code="X-B", name="Xã B", level=UnitLevel.COMMUNE, parent=root, successor=new
    )

    assert old_a.successor == new
    assert set(new.predecessors.all()) == {old_a, old_b}
