"""Electronic declarations (tờ khai điện tử): a procedure version carries its declaration
as a JSON Schema (draft 2020-12); the online wizard and the counter intake render it,
validate what was typed against it with ``jsonschema``, and the dossier keeps the data.

The supported subset is what a declaration needs and a plain HTML form can render:
an object of fields, grouped one level deep by nested objects (the child, the father, the
mother); each field a string (text, ``format: date``, ``format: email``, ``pattern`` for ID
numbers, ``enum`` or ``oneOf`` of ``{const, title}`` for choices such as gender or
relationship), an integer or number, or a boolean. ``title`` is the label people read,
``description`` the hint, ``x-error`` the Vietnamese message of a failed ``pattern``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError, ValidationError

LEAF_TYPES = {"string", "integer", "number", "boolean"}
MAX_FIELDS = 200
FORMAT_CHECKER = FormatChecker(formats=["date", "email"])


# ---------------------------------------------------------------------------- catalogue


def eform_schema_problems(schema: Any) -> list[str]:
    """What is wrong with a declaration schema (English, for the catalogue import)."""
    if not isinstance(schema, dict):
        return ["must be a JSON Schema object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "$"
        return [f"not a valid JSON Schema at {where}: {exc.message}"]
    problems: list[str] = []
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return ['the declaration must be {"type": "object", "properties": {...}}']
    if not schema["properties"]:
        problems.append("the declaration has no field")
    count = 0
    for name, prop in schema["properties"].items():
        if isinstance(prop, dict) and prop.get("type") == "object":
            children = prop.get("properties")
            if not isinstance(children, dict) or not children:
                problems.append(f"properties.{name}: a group needs its own properties")
                continue
            for child_name, child in children.items():
                count += 1
                problems += _leaf_problems(f"properties.{name}.properties.{child_name}", child)
        else:
            count += 1
            problems += _leaf_problems(f"properties.{name}", prop)
    if count > MAX_FIELDS:
        problems.append(f"at most {MAX_FIELDS} fields")
    return problems


def _leaf_problems(path: str, prop: Any) -> list[str]:
    if not isinstance(prop, dict):
        return [f"{path}: must be an object"]
    if prop.get("type") not in LEAF_TYPES:
        return [f"{path}: type must be one of {', '.join(sorted(LEAF_TYPES))} (or a group)"]
    if not isinstance(prop.get("title"), str) or not prop["title"].strip():
        return [f"{path}: a title (the label people read) is required"]
    if "oneOf" in prop and not all(
        isinstance(o, dict) and "const" in o and isinstance(o.get("title"), str)
        for o in prop["oneOf"]
    ):
        return [f"{path}: oneOf lists choices as {{const, title}}"]
    return []


# ---------------------------------------------------------------------------- fields


@dataclass
class EformField:
    path: str  # dotted: "child.full_name"
    name: str  # the HTML input name: "ef-child-full_name"
    label: str
    kind: str  # text, textarea, date, email, select, number, checkbox
    required: bool
    help: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    pattern: str = ""
    max_length: int | None = None
    json_type: str = "string"
    value: Any = ""  # what is shown in the input (``eform_bind``)
    errors: list[str] = field(default_factory=list)


@dataclass
class EformGroup:
    key: str
    title: str
    fields: list[EformField]
    errors: list[str] = field(default_factory=list)


def _choices(prop: dict[str, Any]) -> list[tuple[str, str]]:
    if "oneOf" in prop:
        return [(str(o["const"]), str(o["title"])) for o in prop["oneOf"]]
    if "enum" in prop:
        return [(str(v), str(v)) for v in prop["enum"]]
    return []


def _field(path: str, prop: dict[str, Any], required: bool) -> EformField:
    choices = _choices(prop)
    json_type = prop.get("type", "string")
    if choices:
        kind = "select"
    elif json_type == "boolean":
        kind = "checkbox"
    elif json_type in {"integer", "number"}:
        kind = "number"
    elif prop.get("format") in {"date", "email"}:
        kind = prop["format"]
    elif prop.get("x-widget") == "textarea" or (prop.get("maxLength") or 0) > 300:
        kind = "textarea"
    else:
        kind = "text"
    return EformField(
        path=path,
        name="ef-" + path.replace(".", "-"),
        label=str(prop.get("title", path)),
        kind=kind,
        required=required,
        help=str(prop.get("description", "")),
        choices=choices,
        pattern=str(prop.get("pattern", "")),
        max_length=prop.get("maxLength"),
        json_type=json_type,
    )


def eform_groups(schema: dict[str, Any] | None) -> list[EformGroup]:
    """The declaration as groups of fields, in the schema's order; top-level fields form
    a group without a title."""
    if not schema:
        return []
    groups: list[EformGroup] = []
    loose: list[EformField] = []
    required = set(schema.get("required") or [])
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object":
            inner = set(prop.get("required") or [])
            groups.append(
                EformGroup(
                    key=name,
                    title=str(prop.get("title", name)),
                    fields=[
                        _field(f"{name}.{child}", p, child in inner and name in required)
                        for child, p in prop.get("properties", {}).items()
                    ],
                )
            )
        else:
            loose.append(_field(name, prop, name in required))
    if loose:
        groups.insert(0, EformGroup(key="", title="", fields=loose))
    return groups


def eform_fields(schema: dict[str, Any] | None) -> list[EformField]:
    return [f for g in eform_groups(schema) for f in g.fields]


# ---------------------------------------------------------------------------- data


def eform_from_post(schema: dict[str, Any] | None, post: Any) -> dict[str, Any]:
    """The declaration typed in an HTML form, as JSON: empty inputs are left out (so that
    ``required`` speaks), numbers become numbers when they read as numbers (otherwise the
    text stays and validation says it is not a number)."""
    data: dict[str, Any] = {}
    for name in (schema or {}).get("required") or []:
        if ((schema or {}).get("properties") or {}).get(name, {}).get("type") == "object":
            # An untouched required group is present and empty: its own fields speak.
            data[name] = {}
    for f in eform_fields(schema):
        raw = post.get(f.name)
        if f.kind == "checkbox":
            if raw not in {"on", "1", "true", "yes"}:
                continue  # unticked: absent, so a required box says so
            value: Any = True
        else:
            text = str(raw or "").strip()
            if not text:
                continue
            value = text
            if f.json_type in {"integer", "number"}:
                try:
                    value = int(text) if f.json_type == "integer" else float(text)
                except ValueError:
                    value = text
        target = data
        *parents, leaf = f.path.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return data


def eform_is_blank(data: dict[str, Any] | None) -> bool:
    """Nothing typed in any field (empty groups only)."""
    return not data or all(isinstance(v, dict) and not v for v in data.values())


def _message(error: ValidationError, schema: dict[str, Any]) -> str:
    v, value = error.validator, error.validator_value
    prop = error.schema if isinstance(error.schema, dict) else {}
    if v == "type":
        return {
            "integer": "Phải là số nguyên.",
            "number": "Phải là số.",
            "boolean": "Phải là có hoặc không.",
            "string": "Phải là văn bản.",
            "object": "Phải là một nhóm thông tin.",
        }.get(str(value), "Sai kiểu dữ liệu.")
    if v == "const" and value is True:
        return "Vui lòng đánh dấu ô này."
    if v in {"enum", "oneOf", "const"}:
        return "Vui lòng chọn một giá trị trong danh sách."
    if v == "format":
        return {
            "date": "Ngày không hợp lệ (ngày/tháng/năm).",
            "email": "Địa chỉ thư điện tử không hợp lệ.",
        }.get(str(value), "Không đúng định dạng.")
    if v == "pattern":
        return str(prop.get("x-error") or "Không đúng định dạng yêu cầu.")
    if v == "minLength":
        return f"Tối thiểu {value} ký tự." if value > 1 else "Vui lòng nhập thông tin này."
    if v == "maxLength":
        return f"Tối đa {value} ký tự."
    if v == "minimum":
        return f"Không nhỏ hơn {value}."
    if v == "maximum":
        return f"Không lớn hơn {value}."
    if v == "additionalProperties":
        return "Có trường không thuộc tờ khai."
    return "Giá trị không hợp lệ."


def eform_errors(schema: dict[str, Any] | None, data: Any) -> dict[str, list[str]]:
    """Vietnamese messages per dotted field path; empty when the declaration is valid.
    A date may not lie in the future where the field says ``"x-not-future": true``
    (a date of birth)."""
    if not schema:
        return {}
    if not isinstance(data, dict):
        return {"eform": ["Tờ khai phải là một đối tượng JSON."]}
    errors: dict[str, list[str]] = {}
    validator = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
    for error in validator.iter_errors(data):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            present = error.instance if isinstance(error.instance, dict) else {}
            for name in error.validator_value:
                if name not in present:
                    sub = [*path, name]
                    node = _node(schema, sub) or {}
                    message = {
                        "object": f"Vui lòng khai mục “{node.get('title', name)}”.",
                        "boolean": "Vui lòng đánh dấu ô này.",
                    }.get(str(node.get("type")), "Vui lòng nhập thông tin này.")
                    # jsonschema reports each missing name, and each report lists them all.
                    listed = errors.setdefault(".".join(sub), [])
                    if message not in listed:
                        listed.append(message)
            continue
        key = ".".join(path) or "eform"
        errors.setdefault(key, []).append(_message(error, schema))
    today = dt.date.today()
    for f in eform_fields(schema):
        node = _node(schema, f.path.split(".")) or {}
        if node.get("x-not-future") and f.path not in errors:
            value = _value(data, f.path)
            if isinstance(value, str):
                try:
                    if dt.date.fromisoformat(value) > today:
                        errors[f.path] = ["Ngày không được sau hôm nay."]
                except ValueError:
                    pass
    return errors


def _node(schema: dict[str, Any], path: list[str]) -> dict[str, Any] | None:
    node: Any = schema
    for part in path:
        if not isinstance(node, dict):
            return None
        node = (node.get("properties") or {}).get(part)
    return node if isinstance(node, dict) else None


def _value(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def eform_display(
    schema: dict[str, Any] | None, data: Any
) -> list[tuple[str, list[tuple[str, str]]]]:
    """What was declared, as (group title, [(label, value shown)]) for pages and the PDF:
    choices by their titles, dates as dd/mm/yyyy, booleans as Có/Không."""
    if not schema or not isinstance(data, dict):
        return []
    out = []
    for group in eform_groups(schema):
        rows = []
        for f in group.fields:
            value = _value(data, f.path)
            if value is None or value == "":
                shown = "—"
            elif f.kind == "checkbox":
                shown = "Có" if value else "Không"
            elif f.choices:
                shown = dict(f.choices).get(str(value), str(value))
            elif f.kind == "date":
                try:
                    shown = dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
                except ValueError:
                    shown = str(value)
            else:
                shown = str(value)
            rows.append((f.label, shown))
        out.append((group.title, rows))
    return out


def eform_bind(
    schema: dict[str, Any] | None,
    data: dict[str, Any] | None,
    errors: dict[str, list[str]] | None = None,
) -> list[EformGroup]:
    """The groups with each field's current value and its Vietnamese errors, to render a
    form again beside what was typed."""
    groups = eform_groups(schema)
    for group in groups:
        group.errors = list((errors or {}).get(group.key, [])) if group.key else []
        for f in group.fields:
            value = _value(data or {}, f.path)
            f.value = "" if value is None else value
            f.errors = list((errors or {}).get(f.path, []))
    return groups
