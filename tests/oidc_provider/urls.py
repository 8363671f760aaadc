from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.oidc_provider.claims import token_view

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    # The token endpoint, wrapped so one test user gets a tampered id token.
    path("openid/token", token_view),
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
]
