"""DỮ LIỆU THỬ NGHIỆM — fake citizens for the demo and the tests, never real people.

Every well-formed 12-digit ID number is a citizen, derived deterministically from the
number (the same number always gives the same person): the first three digits are taken
as the province code of the citizen ID, digit four as the century and sex, five and six as
the year of birth, as on a real card. Numbers ending in ``000`` are not in the register (to
show "not found"). A name or a year that does not match the fake person is "not found",
as the real register answers."""

from __future__ import annotations

import datetime as dt
import hashlib

from motcua.core.text import fold
from motcua.integrations.population.providers import Person, PopulationRequest

LABEL = "DỮ LIỆU THỬ NGHIỆM"
_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
_MIDDLE_M = ["Văn", "Minh", "Đức", "Quốc", "Hữu"]
_MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Mỹ"]
_GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc"]
_GIVEN_F = ["Anh", "Chi", "Dung", "Hà", "Hoa", "Lan", "Linh", "Mai", "Nga", "Trang"]
_STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt"]
_PLACES = [
    "phường Bến Thành, Thành phố Hồ Chí Minh",
    "phường Hoàn Kiếm, Thành phố Hà Nội",
    "phường Hải Châu, Thành phố Đà Nẵng",
    "xã Vị Thanh, tỉnh Cần Thơ",
    "phường Ninh Kiều, Thành phố Cần Thơ",
]


def sandbox_person(id_number: str) -> Person | None:
    """The fake citizen of this ID number (None when the number is not "in the register")."""
    if len(id_number) != 12 or not id_number.isascii() or not id_number.isdigit():
        return None
    if id_number.endswith("000"):
        return None
    seed = hashlib.sha256(f"motcua-sandbox-population:{id_number}".encode()).digest()
    century_sex = int(id_number[3])
    female = century_sex % 2 == 1
    year = (1900 if century_sex < 2 else 2000) + int(id_number[4:6])
    year = min(year, dt.date.today().year - 1)
    born = dt.date(year, 1, 1) + dt.timedelta(days=(seed[0] * 256 + seed[1]) % 365)
    middle = (_MIDDLE_F if female else _MIDDLE_M)[seed[2] % 5]
    given = (_GIVEN_F if female else _GIVEN_M)[seed[3] % 10]
    name = f"{_FAMILY[seed[4] % 10]} {middle} {given}"
    address = f"Số {seed[5] % 200 + 1} {_STREETS[seed[6] % 5]}, {_PLACES[seed[7] % 5]}"
    return Person(
        id_number=id_number, full_name=name, date_of_birth=born.isoformat(), address=address
    )


class SandboxPopulation:
    name = "sandbox"
    sandbox = True

    def lookup(self, query: PopulationRequest) -> Person | None:
        person = sandbox_person(query.id_number)
        if person is None:
            return None
        if query.full_name and fold(query.full_name) != fold(person.full_name):
            return None
        if query.birth_year and str(query.birth_year) != person.date_of_birth[:4]:
            return None
        return person
