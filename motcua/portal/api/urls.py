from django.urls import path

from motcua.portal.api import views

urlpatterns = [
    path("lookup/<str:code>", views.LookupView.as_view(), name="lookup"),
    path("lookup/<str:code>/rating", views.LookupRatingView.as_view(), name="lookup-rating"),
]
