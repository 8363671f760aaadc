"""The fee lines of a dossier (phí, lệ phí): what is owed, how it was collected, the receipt.

Lines come from the procedure's catalogue record at intake (the lệ phí of the procedure or
its case, and its phí), are set again by the officer's payment request when the amount
asked differs from them (the officer's amount is what is owed: one line with the
procedure's fee code), and are marked collected by ``dossier_confirm_payment`` (counter
cash, bank transfer, the national payment platform or the province's gateway). The
e-receipt of the national platform is attached later by the payments integration. These
functions run inside the dossier services' transactions; nothing else writes the lines."""

from __future__ import annotations

import datetime as dt
from typing import Any

from motcua.dossiers.models import Attachment, Dossier, DossierFee, FeeKind, FeeMethod
from motcua.procedures.records import _case


def _record_lines(record: dict[str, Any], case_code: str) -> list[dict[str, Any]]:
    fee = dict(record.get("fee") or {})
    case = _case(record, case_code)
    if case is not None and case.get("fee"):
        fee = {**fee, **{k: v for k, v in case["fee"].items() if v not in (None, "")}}
    lines = []
    if int(fee.get("amount") or 0) > 0:
        lines.append(
            {
                "kind": FeeKind.FEE,
                "code": str(fee.get("code") or ""),
                "name": str(fee.get("note") or "Lệ phí")[:255],
                "amount": int(fee["amount"]),
            }
        )
    charge = record.get("charge") or {}
    if int(charge.get("amount") or 0) > 0:
        lines.append(
            {
                "kind": FeeKind.CHARGE,
                "code": str(charge.get("code") or ""),
                "name": str(charge.get("note") or "Phí")[:255],
                "amount": int(charge["amount"]),
            }
        )
    return lines


def fees_at_intake(dossier: Dossier) -> list[DossierFee]:
    """The procedure's fee lines for a new dossier (none when the procedure is free)."""
    lines = _record_lines(dossier.procedure_version.record, dossier.case_code)
    return DossierFee.objects.bulk_create(
        [DossierFee(dossier=dossier, order=i, **line) for i, line in enumerate(lines)]
    )


def fees_requested(dossier: Dossier, amount: int) -> None:
    """The officer asks for ``amount``: the open lines stand when they add up to it;
    otherwise the amount asked is the one line owed (its code: the procedure's fee code)."""
    lines = list(dossier.fees.filter(paid_at__isnull=True))
    if lines and sum(line.amount for line in lines) == amount:
        return
    record = dossier.procedure_version.record
    source = _record_lines(record, dossier.case_code)
    code = next((x["code"] for x in source if x["kind"] == FeeKind.FEE), "")
    DossierFee.objects.filter(pk__in=[line.pk for line in lines]).delete()
    order = dossier.fees.count()
    DossierFee.objects.create(
        dossier=dossier,
        order=order,
        kind=FeeKind.FEE,
        code=code,
        name="Phí, lệ phí theo yêu cầu thực hiện nghĩa vụ tài chính",
        amount=amount,
    )


def fees_collected(
    dossier: Dossier,
    *,
    method: str,
    at: dt.datetime,
    reference: str = "",
    receipt_number: str = "",
) -> int:
    """Mark the open lines collected; returns how many."""
    return dossier.fees.filter(paid_at__isnull=True).update(
        method=method or FeeMethod.CASH,
        paid_at=at,
        reference=reference[:128],
        receipt_number=receipt_number[:64],
    )


def fees_receipt(
    dossier: Dossier, *, reference: str, receipt_number: str, receipt: Attachment | None
) -> int:
    """Attach the e-receipt (its number and file) to the lines a payment collected."""
    return dossier.fees.filter(reference=reference[:128]).update(
        receipt_number=receipt_number[:64], receipt=receipt
    )


def fees_total(dossier: Dossier) -> int:
    return sum(line.amount for line in dossier.fees.all())
