from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("xuat/<str:table>.<str:fmt>", views.export, name="export"),
]
