from django.urls import path, re_path

from motcua.signing import views

app_name = "signing"
urlpatterns = [
    path("", views.verify_page, name="verify"),
    re_path(r"^(?P<key>[A-Za-z0-9_-]{16,64})/$", views.verify_page, name="token"),
]
