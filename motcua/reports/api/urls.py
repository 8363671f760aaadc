from django.urls import path

from motcua.reports.api.views import IndicatorsView, StatsView

urlpatterns = [
    path("stats", StatsView.as_view(), name="stats"),
    path("indicators", IndicatorsView.as_view(), name="indicators"),
]
