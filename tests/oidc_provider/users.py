"""The test provider's users and their VNeID claims (no Django imports: the MotCua tests
read them too)."""

from __future__ import annotations

from typing import Any

PASSWORD = "provider-pass-1"

# username → claims (the claim names MotCua reads by default, docs/vneid.md).
USERS: dict[str, dict[str, Any]] = {
    "cd001": {
        "TechID": "TECH-0001",
        "SoDinhDanh": "079203001234",
        "HoVaTen": "Nguyễn Thị Hoà",
        "NgayThangNamSinh": "1990-05-17",
        "DiaChiThuongTru": "12 Lê Lợi, phường Bến Thành, TP Hồ Chí Minh",
        "LoaiTaiKhoan": "1",
        "LoA": "2",
    },
    "cd002": {
        "TechID": "TECH-0002",
        "SoDinhDanh": "001099004321",
        "HoVaTen": "Trần Văn Bình",
        "NgayThangNamSinh": "17/02/1985",
        "DiaChiThuongTru": "5 Tràng Tiền, Hoàn Kiếm, Hà Nội",
        "LoaiTaiKhoan": "1",
        "LoA": "2",
    },
    "expired": {
        "TechID": "TECH-0003",
        "SoDinhDanh": "001099000003",
        "HoVaTen": "Lê Hết Hạn",
        "NgayThangNamSinh": "1970-01-01",
        "DiaChiThuongTru": "Hà Nội",
        "LoaiTaiKhoan": "1",
        "LoA": "2",
    },
    "tampered": {
        "TechID": "TECH-0004",
        "SoDinhDanh": "001099000004",
        "HoVaTen": "Phạm Giả Mạo",
        "NgayThangNamSinh": "1970-01-01",
        "DiaChiThuongTru": "Hà Nội",
        "LoaiTaiKhoan": "1",
        "LoA": "2",
    },
}
