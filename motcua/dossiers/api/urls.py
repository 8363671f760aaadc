from django.urls import path

from motcua.dossiers.api import views
from motcua.dossiers.lifecycle import TRANSITIONS

urlpatterns = [
    path("dossiers", views.DossierListCreateView.as_view(), name="dossiers"),
    path("dossiers/<str:code>", views.DossierDetailView.as_view(), name="dossier"),
    path("dossiers/<str:code>/history", views.DossierHistoryView.as_view(), name="dossier-history"),
    path(
        "dossiers/<str:code>/attachments",
        views.DossierAttachmentsView.as_view(),
        name="dossier-attachments",
    ),
    path("dossiers/<str:code>/eform", views.DossierEformView.as_view(), name="dossier-eform"),
    path(
        "dossiers/<str:code>/eform/pdf",
        views.DossierEformPdfView.as_view(),
        name="dossier-eform-pdf",
    ),
    path(
        "dossiers/<str:code>/attachments/<int:attachment_id>",
        views.AttachmentDownloadView.as_view(),
        name="dossier-attachment",
    ),
] + [
    path(
        f"dossiers/<str:code>/{action.value}",
        views.action_view(action).as_view(),
        name=f"dossier-{action.value}",
    )
    for action in TRANSITIONS
]
