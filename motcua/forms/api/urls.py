from django.urls import path

from motcua.forms.api import views

urlpatterns = [
    path(
        "dossiers/<str:code>/forms/<str:number>",
        views.DossierFormView.as_view(),
        name="dossier-form",
    ),
    path("registers", views.RegisterView.as_view(), name="registers"),
]
