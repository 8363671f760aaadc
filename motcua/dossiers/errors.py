"""Errors of dossier services, each mapped to one HTTP status by the API."""

from __future__ import annotations

from typing import Any

from motcua.core.errors import DomainError


class DossierError(DomainError):
    status_code = 400


class DossierInvalid(DossierError):
    """Bad input: per-field messages (400)."""

    status_code = 400

    def __init__(self, errors: dict[str, Any], message: str = "") -> None:
        if not message:
            first_field, first_errors = next(iter(errors.items()))
            detail = first_errors
            while isinstance(detail, dict):
                first_field, detail = next(iter(detail.items()))
            text = detail[0] if isinstance(detail, list) and detail else detail
            message = f"{first_field}: {text}"
        super().__init__(message)
        self.errors = errors

    def payload(self) -> dict[str, Any]:
        return {"detail": self.message, **self.errors}


class ActionNotAllowed(DossierError):
    """The action is not allowed in the current status (409); names the allowed actions."""

    status_code = 409


class StaleVersion(DossierError):
    """Someone else changed the dossier since the client read it (409)."""

    status_code = 409


class ActionForbidden(DossierError):
    """The user's role does not allow this action on this dossier (403)."""

    status_code = 403
