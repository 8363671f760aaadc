from django.urls import path

from motcua.reports.api.views import StatsView

urlpatterns = [path("stats", StatsView.as_view(), name="stats")]
