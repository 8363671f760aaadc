"""Dossiers that reach every form, built through the dossier services."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import APPLICANT, Province, local

ROOT = Path(__file__).resolve().parents[3]
FORM_IMAGES = ROOT / "docs" / "forms"


@dataclass
class Walked:
    full: Dossier  # 01, 02, 04, 06: supplement, extension, three steps, resolved, returned
    refused: Dossier  # 03
    stopped: Dossier  # 05


def walk_all_forms(p: Province) -> Walked:
    u = p.users
    for name, full in (("desk", "Trần Thị Bình"), ("leader", "Lê Văn Cường")):
        u[name].first_name, u[name].last_name = full.rsplit(" ", 1)[1], full.rsplit(" ", 1)[0]
        u[name].save()
    d, _ = s.dossier_intake(
        actor=u["desk"],
        procedure=p.procedure("2.000001"),
        unit=p.commune,
        channel="counter",
        applicant=APPLICANT,
        summary="Xin xác nhận cho công trình nhà ở",
        documents=["Đơn"],
        at=local(2026, 3, 2, 8, 0),
    )
    d = s.dossier_request_supplement(
        dossier=d,
        actor=u["desk"],
        items=["Bản sao Giấy chứng nhận quyền sử dụng đất", "Bản vẽ thiết kế có chữ ký"],
        note="Thiếu giấy tờ về đất",
        at=local(2026, 3, 2, 9, 0),
    )
    d = s.dossier_supplement(dossier=d, actor=u["desk"], at=local(2026, 3, 3, 8, 0))
    d = s.dossier_forward(dossier=d, actor=u["desk"], at=local(2026, 3, 3, 9, 0))
    d = s.dossier_forward(dossier=d, actor=u["specialist"], at=local(2026, 3, 4, 9, 0))
    d = s.dossier_extend(
        dossier=d,
        actor=u["leader"],
        extended_due_at=local(2026, 3, 17, 17, 0),
        reason="Cần xác minh thực địa với Sở Xây dựng",
        at=local(2026, 3, 9, 10, 0),
    )
    d = s.dossier_forward(dossier=d, actor=u["dept_specialist"], at=local(2026, 3, 11, 9, 0))
    d = s.dossier_resolve(dossier=d, actor=u["leader"], at=local(2026, 3, 12, 9, 0))
    d = s.dossier_return(dossier=d, actor=u["desk"], method="counter", at=local(2026, 3, 12, 14, 0))

    online, _ = s.dossier_intake(
        actor=u["citizen"],
        procedure=p.procedure("1.001193"),
        unit=p.commune,
        channel="online",
        applicant=APPLICANT,
        at=local(2026, 3, 2, 8, 30),
    )
    refused = s.dossier_refuse(
        dossier=online,
        actor=u["desk"],
        reason="Hồ sơ không thuộc thẩm quyền giải quyết của xã Một",
        at=local(2026, 3, 2, 10, 0),
    )
    counter, _ = s.dossier_intake(
        actor=u["desk"],
        procedure=p.procedure("1.001193"),
        unit=p.commune,
        channel="postal",
        applicant=APPLICANT,
        documents=[0, 1],
        at=local(2026, 3, 2, 8, 45),
    )
    stopped = s.dossier_stop(
        dossier=counter,
        actor=u["leader"],
        reason="Người nộp hồ sơ đề nghị dừng để bổ sung thông tin hộ tịch",
        at=local(2026, 3, 2, 11, 0),
    )
    return Walked(full=d, refused=refused, stopped=stopped)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def render_first_page(content: bytes, target: Path) -> Path | None:
    """One page as PNG with poppler's ``pdftoppm``; ``None`` when it is not installed."""
    binary = shutil.which("pdftoppm")
    if binary is None:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    stem = target.with_suffix("")
    tmp = stem.parent / f".{stem.name}-render"
    subprocess.run(
        [binary, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", "-", str(tmp)],
        input=content,
        check=True,
        capture_output=True,
        timeout=60,
    )
    Path(f"{tmp}.png").replace(target)
    return target
