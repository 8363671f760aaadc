from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic.base import RedirectView
from django.views.i18n import set_language

from motcua.core.health import readyz
from motcua.core.mailbox import demo_mailbox
from motcua.core.metrics import metrics_view

handler400 = "motcua.core.views.bad_request"
handler404 = "motcua.core.views.page_not_found"
handler500 = "motcua.core.views.server_error"

admin.site.site_header = "MotCua — Quản trị hệ thống"
admin.site.site_title = "MotCua"
admin.site.index_title = "Quản trị danh mục, đơn vị và người dùng"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(("motcua.core.api_urls", "api"), namespace="api")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("tai-khoan/thong-bao/", include("motcua.notifications.urls")),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("can-bo/thong-ke/", include("motcua.reports.urls")),
    # issue 13 (rules): citizen feedback, handled in the workspace, public on the portal
    path("can-bo/phan-anh/", include("motcua.feedback.staff_urls")),
    path("phan-anh/", include("motcua.feedback.urls")),
    path("can-bo/", include("motcua.workspace.urls")),
    path("cong-khai/", include("motcua.reports.public_urls")),
    # issue 16: public verification of signed results and forms
    path("xac-thuc/", include("motcua.signing.urls")),
    # --- issue 12: the demo's mailbox (demo mode only) and the favicon ------------------
    path("hop-thu-demo/", demo_mailbox, name="demo_mailbox"),
    # --- issue 17: operations (Prometheus metrics, readiness) ---------------------------
    path("metrics", metrics_view, name="metrics"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", RedirectView.as_view(url="/static/motcua/favicon.svg", permanent=True)),
    # --- end issue 12 -------------------------------------------------------------------
    path("", include("motcua.portal.urls")),
]

if settings.DEBUG:  # pragma: no cover - static serving is whitenoise's job otherwise
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
