from django.urls import path

from motcua.signing.api import VerifyView

urlpatterns = [path("verify", VerifyView.as_view(), name="verify")]
