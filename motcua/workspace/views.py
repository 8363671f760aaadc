"""Pages of the staff workspace. Views stay thin: read through the selectors, write
through ``motcua.dossiers.services``, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from motcua.archive.models import ArchivePackage
from motcua.calendars.selectors import working_calendar
from motcua.core.collation import vi_order, vi_sorted
from motcua.core.pagination import CappedPaginator
from motcua.core.people import person_label
from motcua.core.services import personal_data_viewed
from motcua.core.validation import ascii_int, iso_date
from motcua.dossiers.attachments import (
    AttachmentTooLarge,
    AttachmentTypeNotAllowed,
    AttachmentUnreadable,
    SignaturePending,
    attachment_add,
    attachment_open,
    detect_type,
    max_file_bytes,
)
from motcua.dossiers.errors import (
    ActionForbidden,
    ActionNotAllowed,
    DossierError,
    DossierInvalid,
    StaleVersion,
)
from motcua.dossiers.lifecycle import ACTION_LABELS, TRANSITIONS, Action
from motcua.dossiers.models import (
    AttachmentKind,
    Dossier,
    FeeMethod,
    Outcome,
    ReturnMethod,
    Status,
)
from motcua.dossiers.rules import clock_rule_at
from motcua.dossiers.selectors import dossier_attachments, dossier_get
from motcua.dossiers.services import (
    available_actions,
    current_step,
    days_and_cutoff,
    dossier_act,
    dossier_supplement,
    step_unit_of,
    steps_of,
)
from motcua.forms.api.views import dossier_form_response, register_response, register_unit
from motcua.forms.selectors import ACTION_FORMS, FORM_TITLES, Period, dossier_events, forms_reached
from motcua.procedures.eforms import eform_display
from motcua.procedures.records import record_case_name
from motcua.procedures.selectors import field_list
from motcua.units.models import Membership, Role, Unit
from motcua.workspace.auth import Staff, officer, staff_required
from motcua.workspace.guide import ROLE_GUIDE
from motcua.workspace.selectors import (
    LIST_BY_KEY,
    SORT_LABELS,
    ListQuery,
    dossier_inbox,
    inbox_rows,
    list_counts,
    lists_for,
    workload,
)

PAGE_SIZE = 20
CONFLICT = _("Hồ sơ vừa được người khác cập nhật")


def _staff(request: HttpRequest) -> Staff:
    staff: Staff = request.staff  # type: ignore[attr-defined]
    return staff


def _default_list(staff: Staff) -> str:
    if staff.has(Role.DESK):
        return "inbox"
    if staff.has(Role.LEADER, Role.UNIT_ADMIN) and not staff.has(Role.SPECIALIST):
        return "unassigned"
    return "mine"


# ---------------------------------------------------------------------------- lists


def _rows(dossiers: Any, count: int) -> list[Dossier]:
    return inbox_rows(list(dossiers.values_list("pk", flat=True)[:count]))


def _page(dossiers: Any, number: Any) -> Any:
    page = CappedPaginator(dossiers.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    page.object_list = inbox_rows(list(page.object_list))
    return page


@staff_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    counts = list_counts(user=officer(request), staff=staff)
    key = _default_list(staff)
    if not counts.get(key):
        # Open on a list that has work (a leader's "unassigned" is often empty while the
        # overdue list is not), in the order the cards are shown.
        key = next((item.key for item in lists_for(staff) if counts.get(item.key)), key)
    query = ListQuery(key=key)
    dossiers = _rows(dossier_inbox(user=officer(request), staff=staff, query=query), 10)
    cards = [(item, counts.get(item.key, 0)) for item in lists_for(staff)]
    return render(
        request,
        "workspace/home.html",
        {
            "cards": cards,
            "featured": LIST_BY_KEY[key],
            "dossiers": dossiers,
            "now": timezone.now(),
            "role": staff.primary_role,
            "guide_slug": ROLE_GUIDE.get(staff.primary_role, ""),
            "units": vi_sorted(set(staff.unit_names.values())),
        },
    )


@staff_required
@require_GET
def dossier_list_view(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    query = ListQuery.from_params(request.GET, _default_list(staff))
    dossiers = dossier_inbox(user=officer(request), staff=staff, query=query)
    page = _page(dossiers, request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workspace/dossier_list.html",
        {
            "page": page,
            "query": query,
            "current": LIST_BY_KEY[query.key],
            "lists": lists_for(staff),
            "fields": field_list(),
            "sorts": SORT_LABELS,
            "channels": Dossier._meta.get_field("channel").choices,
            "querystring": params.urlencode(),
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------------------- dossier page


def _clock_start(dossier: Dossier, events: list[Any]) -> dt.datetime | None:
    """When the current clock started: reception, or the last supplement that restarted it."""
    start = dossier.received_at
    for event in events:
        if event.action in {"intake", "accept", "supplement"} and (event.data or {}).get("due_at"):
            start = event.at
    return start


def deadline_info(dossier: Dossier, events: list[Any]) -> dict[str, Any]:
    if dossier.due_at is None:
        return {}
    calendar = working_calendar()
    days, cutoff = days_and_cutoff(dossier)
    info: dict[str, Any] = {"due_at": dossier.due_at, "extended_due_at": dossier.extended_due_at}
    start = _clock_start(dossier, events)
    if start is not None:
        explanation = calendar.explain(start, days, cutoff=cutoff)
        info["lines"] = explanation.lines_vi()
        info["adjusted"] = explanation.due_at != dossier.due_at
    if dossier.status in {Status.RECEIVED, Status.PROCESSING}:
        now = timezone.now()
        if now <= dossier.due_at:
            seconds = calendar.working_seconds_between(now, dossier.due_at)
            info["left"] = _hours(seconds)
            info["late"] = False
        else:
            info["left"] = _hours(calendar.working_seconds_between(dossier.due_at, now))
            info["late"] = True
    elif dossier.status == Status.AWAITING_PAYMENT and dossier.paused_remaining_seconds is not None:
        info["paused_left"] = _hours(max(0, dossier.paused_remaining_seconds))
    elif dossier.status == Status.SUPPLEMENT_REQUESTED:
        info["stopped"] = True
    return info


def _hours(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    days, hours_in_day = divmod(hours, 8)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(_("%(n)d ngày") % {"n": days})
    if hours_in_day:
        parts.append(_("%(n)d giờ") % {"n": hours_in_day})
    if minutes or not parts:
        parts.append(_("%(n)d phút") % {"n": minutes})
    return " ".join(parts) + " " + _("làm việc")


def _officers(unit: Unit | None, role: str) -> list[Any]:
    if unit is None:
        return []
    rows = Membership.objects.filter(unit=unit, role=role, user__is_active=True).select_related(
        "user__staff_profile"
    )
    return vi_sorted((m.user for m in rows), key=person_label)


def _history_rows(events: list[Any], attachments: list[Any]) -> list[Any]:
    """The events with what their data names in words: the assignee by name, the new
    appointment as a date, the files by their names (never the ids or the raw dict)."""
    usernames = {(e.data or {}).get("assignee") for e in events if isinstance(e.data, dict)} - {
        None,
        "",
    }
    users = {
        u.get_username(): u
        for u in get_user_model()
        .objects.filter(username__in=usernames)
        .select_related("staff_profile")
    }
    files = {a.pk: a.name for a in attachments}
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        assignee = data.get("assignee")
        event.assignee_label = person_label(users.get(assignee)) if assignee else ""
        extended = data.get("extended_due_at")
        event.extended_label = ""
        if extended:
            try:
                moment = timezone.localtime(dt.datetime.fromisoformat(str(extended)))
                event.extended_label = moment.strftime("%H:%M %d/%m/%Y")
            except ValueError:
                event.extended_label = str(extended)
        ids = data.get("attachments") or []
        event.attachment_names = [files.get(i, "") for i in ids if files.get(i)]
    return events


def _action_context(dossier: Dossier, actions: list[str]) -> dict[str, Any]:
    """Everything the action forms need besides the dossier: the next step's officers for
    forward, the current step's officers for assign."""
    extra: dict[str, Any] = {}
    steps = steps_of(dossier)
    if Action.FORWARD in actions:
        index = 0 if dossier.status == Status.RECEIVED else (dossier.step_index or 0) + 1
        if index < len(steps):
            step = steps[index]
            unit = step_unit_of(dossier, step)
            extra["next_step"] = {"name": step["name"], "unit": unit, "role": step["role"]}
            extra["forward_officers"] = _officers(unit, step["role"])
    if Action.ASSIGN in actions:
        held = current_step(dossier)
        if held is not None:
            extra["assign_officers"] = _officers(dossier.step_unit, held["role"])
    return extra


def _render_dossier(
    request: HttpRequest,
    dossier: Dossier,
    *,
    status: int = 200,
    errors: dict[str, Any] | None = None,
    open_action: str = "",
    values: dict[str, Any] | None = None,
    conflict: str = "",
    problem: str = "",
    kept_note: str = "",
) -> HttpResponse:
    events = dossier_events(dossier=dossier)
    actions = available_actions(dossier, officer(request))
    step = current_step(dossier)
    steps = steps_of(dossier)
    action_labels = {a: ACTION_LABELS[Action(a)] for a in actions}
    forms = forms_reached(dossier, events)
    # issue 16: with each file's signature (one join), for the "signed" badge
    attachments = list(
        dossier_attachments(dossier=dossier).select_related("uploaded_by", "signature")
    )
    names = {item.get("index"): item.get("name") for item in dossier.documents}
    for a in attachments:
        a.document_name = names.get(a.document_index, "")  # type: ignore[attr-defined]
    step_units = {
        u.code: u.name for u in Unit.objects.filter(code__in=[s.get("unit") for s in steps])
    }
    return render(
        request,
        "workspace/dossier_detail.html",
        {
            "dossier": dossier,
            # Exported to the archive (issue 16): where its package is, when last verified.
            "archive_package": ArchivePackage.objects.filter(dossier=dossier).first(),
            "events": _history_rows(events, attachments),
            "attachments": attachments,
            "documents": [
                (item, [a for a in attachments if a.document_index == item.get("index")])
                for item in dossier.documents
            ],
            "eform": eform_display(
                dossier.procedure_version.record.get("eform"), dossier.eform_data
            ),
            "case_name": record_case_name(dossier.procedure_version.record, dossier.case_code),
            "actions": actions,
            "action_labels": action_labels,
            "action_clock": {a: TRANSITIONS[Action(a)].clock for a in actions},
            "step": step,
            "steps": [
                {
                    **s,
                    "index": i,
                    "current": i == dossier.step_index,
                    "unit_name": step_units.get(s.get("unit") or "", ""),
                }
                for i, s in enumerate(steps)
            ],
            "deadline": deadline_info(dossier, events),
            "forms": [(n, FORM_TITLES[n]) for n in forms],
            "errors": errors or {},
            "open_action": open_action,
            "values": values or {},
            "conflict": conflict,
            "kept_note": kept_note if open_action not in actions else "",
            "problem": problem,
            "outcomes": Outcome.choices,
            "return_methods": ReturnMethod.choices,
            "today": timezone.localdate(),
            "clock_rule": clock_rule_at(timezone.now()).value,
            "supplement_overdue": dossier.supplement_due_at is not None
            and dossier.supplement_due_at < timezone.now(),
            **_action_context(dossier, actions),
        },
        status=status,
    )


@staff_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_get(user=officer(request), code=code)
    personal_data_viewed(
        request=request, user=request.user, dossiers=[dossier], channel="workspace"
    )
    return _render_dossier(request, dossier)


def _parse_action(action: Action, post: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The typed parameters of an action from its form, and the input errors."""
    params: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if action in {Action.REFUSE, Action.STOP, Action.EXTEND, Action.RESOLVE}:
        params["reason"] = post.get("reason", "").strip()
    if action == Action.REQUEST_SUPPLEMENT:
        params["items"] = [
            line.strip() for line in post.get("items", "").splitlines() if line.strip()
        ]
        if post.get("deadline", "").strip():
            try:
                params["deadline"] = dt.date.fromisoformat(post["deadline"].strip())
            except ValueError:
                errors["deadline"] = [_("Chọn ngày hạn bổ sung.")]
    if action == Action.CORRECT:
        params["reason"] = post.get("reason", "").strip()
    if action in {Action.FORWARD, Action.ASSIGN}:
        params["assignee"] = post.get("assignee", "").strip() or None
    if action == Action.REQUEST_PAYMENT:
        raw = post.get("amount", "").replace(".", "").replace(",", "").replace(" ", "")
        try:
            amount = ascii_int(raw)
            if not 0 < amount <= 10**15:
                raise ValueError
            params["amount"] = amount
        except ValueError:
            errors["amount"] = [_("Nhập số tiền là số nguyên dương (đồng).")]
    if action == Action.CONFIRM_PAYMENT:
        params["reference"] = post.get("reference", "").strip()[:100]
        params["receipt_number"] = post.get("receipt_number", "").strip()[:64]
        if post.get("fee_method", "") in {FeeMethod.CASH, FeeMethod.TRANSFER}:
            params["fee_method"] = post["fee_method"]
        elif post.get("fee_method"):
            errors["fee_method"] = [_("Chọn hình thức thu: tiền mặt hoặc chuyển khoản.")]
    if action == Action.EXTEND:
        try:
            day = iso_date(post.get("extended_date", ""))
            at = dt.time.fromisoformat(post.get("extended_time", "") or "17:00")
            params["extended_due_at"] = dt.datetime.combine(
                day, at, tzinfo=timezone.get_current_timezone()
            )
        except ValueError:
            errors["extended_due_at"] = [_("Chọn ngày hẹn trả mới.")]
        if not params.get("reason"):
            errors["reason"] = [_("Vui lòng nêu lý do gia hạn.")]
    if action == Action.RESOLVE:
        params["outcome"] = post.get("outcome", Outcome.GRANTED)
    if action == Action.RETURN:
        params["method"] = post.get("method", "")
        if params["method"] not in ReturnMethod.values:
            errors["method"] = [_("Chọn cách trả kết quả.")]
    return params, errors


def _check_upload(upload: Any, field: str) -> dict[str, list[str]]:
    """The checks of ``attachment_add`` made before the action, so that a bad file never
    leaves the action half done."""
    if upload is None:
        return {}
    if upload.size > max_file_bytes():
        return {field: [_("Tệp lớn quá giới hạn cho phép.")]}
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        return {field: [_("Tệp rỗng.")]}
    if detect_type(head) is None:
        return {field: [_("Chỉ nhận tệp PDF, JPEG, PNG, DOCX hoặc XLSX.")]}
    return {}


def _error_dict(exc: DossierInvalid) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in exc.errors.items():
        if isinstance(value, dict):
            for sub, messages_ in value.items():
                out[sub] = [str(m) for m in messages_]
        else:
            out[key] = [str(m) for m in (value if isinstance(value, list) else [value])]
    return out


@staff_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    try:
        act = Action(action)
    except ValueError:
        raise Http404 from None
    if act not in TRANSITIONS:
        raise Http404
    dossier = dossier_get(user=officer(request), code=code)
    values = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    params, errors = _parse_action(act, request.POST)
    upload = request.FILES.get("file")
    errors.update(_check_upload(upload, "file"))
    if errors:
        return _render_dossier(
            request, dossier, status=400, errors={action: errors}, open_action=action, values=values
        )
    note = request.POST.get("note", "").strip()[:2000]
    try:
        if act == Action.SUPPLEMENT and upload is not None:
            # The papers come first: the supplement event names them.
            attachment = attachment_add(
                dossier=dossier,
                actor=officer(request),
                upload=upload,
                name=upload.name,
                kind=AttachmentKind.SUPPLEMENT,
            )
            dossier = dossier_supplement(
                dossier=dossier,
                actor=officer(request),
                version=version,
                note=note,
                attachments=[attachment.pk],
            )
        else:
            if act == Action.CORRECT and upload is not None:
                params |= {"upload": upload, "file_name": upload.name}
            dossier = dossier_act(
                dossier=dossier,
                action=act,
                actor=officer(request),
                params=params,
                version=version,
                note=note,
            )
            if act == Action.RESOLVE and upload is not None:
                attachment_add(
                    dossier=dossier,
                    actor=officer(request),
                    upload=upload,
                    name=upload.name,
                    kind=AttachmentKind.RESULT,
                )
    except StaleVersion:
        fresh = dossier_get(user=officer(request), code=code)
        # The officer's typed input stays in the form (now on the fresh version) so that
        # nothing they wrote is lost; the message says it once.
        return _render_dossier(
            request,
            fresh,
            status=409,
            conflict=_(
                "Dưới đây là trạng thái mới nhất; hãy xem lại trước khi thao tác. "
                "Thao tác của bạn chưa được ghi, nội dung bạn đã nhập vẫn được giữ lại."
            ),
            open_action=action,
            values={k: v for k, v in values.items() if k != "version"},
            kept_note=note,
        )
    except DossierInvalid as exc:
        return _render_dossier(
            request,
            dossier,
            status=400,
            errors={action: _error_dict(exc)},
            open_action=action,
            values=values,
        )
    except ActionNotAllowed as exc:
        fresh = dossier_get(user=officer(request), code=code)
        return _render_dossier(request, fresh, status=409, problem=exc.message)
    except ActionForbidden as exc:
        return _render_dossier(request, dossier, status=403, problem=exc.message)
    except (AttachmentTooLarge, AttachmentTypeNotAllowed) as exc:
        return _render_dossier(
            request,
            dossier,
            status=400,
            errors={action: {"file": [exc.message]}},
            open_action=action,
            values=values,
        )
    label = ACTION_LABELS[act]
    messages.success(
        request,
        _("Đã thực hiện “%(label)s” cho hồ sơ %(code)s.") % {"label": label, "code": dossier.code},
    )
    number = ACTION_FORMS.get(act.value) or ("01" if act == Action.ACCEPT else None)
    target = request.POST.get("next", "")
    if target.startswith("/can-bo/") and "//" not in target:
        return redirect(target)
    url = reverse("workspace:dossier", args=[dossier.code])
    if number:
        url += f"?form={number}#forms"
    return redirect(url)


@staff_required
@require_POST
def attachment_upload(request: HttpRequest, code: str) -> HttpResponse:
    dossier = dossier_get(user=officer(request), code=code)
    upload = request.FILES.get("file")
    errors = _check_upload(upload, "file") if upload is not None else {"file": [_("Chọn tệp.")]}
    if not errors:
        assert upload is not None
        kind = request.POST.get("kind", AttachmentKind.DOCUMENT)
        if kind not in {
            AttachmentKind.DOCUMENT,
            AttachmentKind.SUPPLEMENT,
            AttachmentKind.OTHER,
            AttachmentKind.RESULT,
        }:
            kind = AttachmentKind.DOCUMENT
        digitised = (
            request.POST.get("digitised") == "1" if request.POST.get("digitised_marked") else None
        )
        try:
            attachment_add(
                dossier=dossier,
                actor=officer(request),
                upload=upload,
                name=upload.name,
                kind=kind,
                digitised=digitised
                if kind in {AttachmentKind.DOCUMENT, AttachmentKind.SUPPLEMENT}
                else False,
            )
        except DossierInvalid as exc:
            errors = _error_dict(exc)
        except DossierError as exc:
            errors = {"file": [exc.message]}
    if errors:
        return _render_dossier(
            request, dossier, status=400, errors={"upload": errors}, open_action="upload"
        )
    messages.success(request, _("Đã tải tệp lên hồ sơ."))
    return redirect(reverse("workspace:dossier", args=[dossier.code]) + "#files")


@staff_required
@require_GET
def attachment_get(
    request: HttpRequest, code: str, attachment_id: int
) -> FileResponse | HttpResponse:
    dossier = dossier_get(user=officer(request), code=code)
    attachment = get_object_or_404(dossier.attachments, pk=attachment_id)
    # The applicant's papers (ID card, certificates) are personal data too.
    personal_data_viewed(request=request, user=request.user, dossiers=[dossier], channel="file")
    inline = request.GET.get("xem") == "1" and attachment.content_type in {
        "application/pdf",
        "image/png",
        "image/jpeg",
    }
    try:
        content = attachment_open(attachment)
    except AttachmentUnreadable as exc:
        # Changed or lost behind MotCua's back: the dossier page says so, nothing is served.
        return _render_dossier(request, dossier, status=exc.status_code, problem=exc.message)
    response = FileResponse(
        content,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-SHA256"] = attachment.sha256
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin  # the receipt page shows form 01 in a frame, ready to print
@staff_required
@require_GET
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    try:
        return dossier_form_response(
            request, officer(request), code, number, inline=request.GET.get("tai") != "1"
        )
    except SignaturePending as exc:
        # Signed by a worker within seconds: this page (also the receipt's frame) reloads
        # itself until the signed copy is there.
        response = render(
            request,
            "workspace/form_waiting.html",
            {"message": exc.message, "seconds": exc.retry_after},
            status=exc.status_code,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response
    except AttachmentUnreadable as exc:
        # The filed copy was changed or lost behind MotCua's back: said, not served.
        dossier = dossier_get(user=officer(request), code=code)
        return _render_dossier(request, dossier, status=exc.status_code, problem=exc.message)


@staff_required
@require_GET
def eform_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The e-form declaration of the dossier printed as a PDF annex."""
    from motcua.forms.documents import FormNotReached, eform_annex

    dossier = dossier_get(user=officer(request), code=code)
    try:
        pdf = eform_annex(dossier)
    except FormNotReached:
        raise Http404 from None
    personal_data_viewed(request=request, user=request.user, dossiers=[dossier], channel="form")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="to-khai-{dossier.code}.pdf"'
    return response


@staff_required
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """After counter intake: the receipt (form 01) ready to print."""
    dossier = dossier_get(user=officer(request), code=code)
    return render(request, "workspace/receipt.html", {"dossier": dossier})


# ---------------------------------------------------------------------------- register


@staff_required
@require_GET
def register_view(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    units = Unit.objects.filter(pk__in=staff.units()).order_by(vi_order("name"))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    unit_code = request.GET.get("unit", "")
    if unit_code and request.GET.get("format"):
        try:
            start = iso_date(request.GET.get("from", ""))
            end = iso_date(request.GET.get("to", ""))
        except ValueError:
            errors["period"] = _("Chọn ngày bắt đầu và ngày kết thúc.")
        else:
            if end < start or (end - start).days > 366:
                errors["period"] = _("Khoảng thời gian không hợp lệ (tối đa một năm).")
            else:
                from rest_framework.exceptions import PermissionDenied

                try:
                    unit = register_unit(officer(request), unit_code)
                except PermissionDenied:
                    raise Http404 from None
                fmt = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
                return register_response(request, officer(request), unit, Period(start, end), fmt)
    return render(
        request,
        "workspace/register.html",
        {
            "units": units,
            "errors": errors,
            "start": request.GET.get("from") or today.replace(day=1).isoformat(),
            "end": request.GET.get("to") or today.isoformat(),
            "unit_code": unit_code,
        },
        status=400 if errors else 200,
    )


# ---------------------------------------------------------------------------- workload


@staff_required
@require_GET
def workload_view(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    unit_ids = staff.units(Role.LEADER, Role.UNIT_ADMIN)
    if not unit_ids:
        return render(request, "workspace/forbidden.html", status=403)
    rows = workload(user=officer(request), unit_ids=unit_ids)
    selected = request.GET.get("can_bo", "")
    query = ListQuery(key="all", sort="due")
    dossiers = dossier_inbox(user=officer(request), staff=staff, query=query).filter(
        status__in=[Status.PROCESSING, Status.AWAITING_PAYMENT], step_unit_id__in=unit_ids
    )
    if selected == "chua-giao":
        dossiers = dossiers.filter(assignee__isnull=True)
    elif selected:
        dossiers = dossiers.filter(assignee__username=selected)
    page = _page(dossiers, request.GET.get("page"))
    return render(
        request,
        "workspace/workload.html",
        {
            "selected_label": next(
                (r["label"] for r in rows if r["assignee__username"] == selected),
                _("Chưa phân công") if selected == "chua-giao" else "",
            ),
            "rows": rows,
            "page": page,
            "selected": selected,
            "now": timezone.now(),
        },
    )
