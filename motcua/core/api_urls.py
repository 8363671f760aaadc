"""The REST API v1: each app brings its own ``api/urls.py``."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from motcua.core.api import TokenView

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: no inline script (CSP).
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc injects its own <style> elements: styles inline on this page only, never scripts.
    path(
        "redoc",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    path("auth/token", TokenView.as_view(), name="token"),
    path("", include("motcua.units.api.urls")),
    path("", include("motcua.procedures.api.urls")),
    path("calendar/", include("motcua.calendars.api.urls")),
    path("", include("motcua.dossiers.api.urls")),
    path("", include("motcua.portal.api.urls")),
    path("", include("motcua.forms.api.urls")),
    path("", include("motcua.reports.api.urls")),
    # The national public service portal (issue 14).
    path("", include("motcua.integrations.dvcqg.urls")),
    # issue 13 (rules): citizen feedback
    path("", include("motcua.feedback.api.urls")),
    # issue 16: verification of signed PDFs
    path("", include("motcua.signing.api_urls")),
]
