from django.urls import path

from motcua.integrations.dvcqg import api

urlpatterns = [
    path("national/dossiers", api.NationalDossierView.as_view(), name="national-dossiers"),
    path("national/ratings", api.NationalRatingView.as_view(), name="national-ratings"),
    path("national/feedback", api.NationalFeedbackView.as_view(), name="national-feedback"),
    path("national/files/<str:token>", api.NationalFileView.as_view(), name="national-file"),
]
