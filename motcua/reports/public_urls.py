from django.urls import path

from motcua.reports import views

app_name = "transparency"
urlpatterns = [path("", views.transparency, name="transparency")]
