"""Make the OpenAPI schema say what the API does (issue 11, finding 5).

Every operation may answer the errors of CONTRACT.md §2 — 400 bad input, 401 not signed in,
403 not allowed, 404 not found (also a page past the end of a list), 429 too many requests,
503 the database busy — and writes also 409 conflict, 413 file too large and 415 file type
not allowed. Each is documented on every operation with the one error body (``detail`` and
per-field lists of messages), unless the operation documents it itself."""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "ErrorBody"
_COMMON = {
    "400": "Dữ liệu không hợp lệ (bad input)",
    "401": "Chưa đăng nhập hoặc mã truy cập không hợp lệ (not authenticated)",
    "403": "Không được phép (not allowed)",
    "404": "Không tìm thấy (not found or not visible)",
    "429": "Quá nhiều yêu cầu (too many requests)",
    "503": "Hệ thống đang bận, thử lại sau Retry-After giây (database busy)",
}
_WRITES = {
    "409": "Xung đột: phiên bản cũ hoặc thao tác không được phép lúc này (conflict)",
    "413": "Tệp quá lớn (file too large)",
    "415": "Loại tệp không được phép (file type not allowed)",
}
_ERROR_SCHEMA = {
    "type": "object",
    "description": "Lỗi: `detail` và, khi một trường sai, danh sách thông báo của trường đó.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": True,
}


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(ERROR_COMPONENT, _ERROR_SCHEMA)
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(_COMMON)
            if method != "get":
                wanted.update(_WRITES)
            for code, text in wanted.items():
                body = {"description": text, "content": {"application/json": {"schema": ref}}}
                if code == "400":
                    # A 400 names the fields that were wrong, each with a list of messages,
                    # whatever the field is called: always the one open error body.
                    body["description"] = responses.get(code, {}).get("description") or text
                    responses[code] = body
                else:
                    responses.setdefault(code, body)
    return result
