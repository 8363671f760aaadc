"""The test users' VNeID claims, as the national portal's single sign-on gives them
(reference/national-portal.md), and two misbehaviours for the refusal tests: the user
``expired`` gets an id token that expired long ago, the user ``tampered`` one whose payload
was changed after signing."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from oidc_provider.lib.claims import ScopeClaims
from oidc_provider.views import TokenView

from tests.oidc_provider.users import USERS


def sub_of(user: Any) -> str:
    return str(USERS.get(user.username, {}).get("TechID") or user.pk)


class VneidScopeClaims(ScopeClaims):
    info_vneid = ("VNeID", "Số định danh, họ tên, ngày sinh, nơi thường trú.")

    def scope_vneid(self) -> dict[str, Any]:
        return dict(USERS.get(self.user.username, {}))


def idtoken_hook(id_token: dict[str, Any], user: Any = None, **kwargs: Any) -> dict[str, Any]:
    if user is not None and user.username == "expired":
        id_token["iat"] = id_token["iat"] - 7200
        id_token["exp"] = id_token["iat"] + 60
    return id_token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@csrf_exempt
def token_view(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = TokenView.as_view()(request)
    if response.status_code != 200:
        return response
    body = json.loads(response.content)
    header, payload, signature = body["id_token"].split(".")
    claims = json.loads(_unb64(payload))
    user = get_user_model().objects.filter(pk__isnull=False)
    tampered = {u.pk for u in user.filter(username="tampered")}
    if claims.get("sub") == USERS["tampered"]["TechID"] or claims.get("sub") in tampered:
        claims["sub"] = USERS["cd001"]["TechID"]  # pretend to be someone else
        body["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])
        return HttpResponse(json.dumps(body), content_type="application/json")
    return response
