from django.urls import path

from motcua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("xac-nhan/", views.verify_sent, name="verify_sent"),
    path("xac-nhan/<str:token>/", views.verify, name="verify"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("vneid/", views.vneid_start, name="vneid_start"),
    path("vneid/callback/", views.vneid_callback, name="vneid_callback"),
    path("vneid/lien-ket/", views.vneid_link, name="vneid_link"),
    path("ho-so-ca-nhan/", views.profile, name="profile"),
]
