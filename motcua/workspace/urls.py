from django.urls import path

from motcua.integrations.population import views as population
from motcua.workspace import guide, intake, payments, views, views_auth

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views_auth.login_view, name="login"),
    path("dang-nhap/xac-thuc/", views_auth.totp_verify_view, name="totp_verify"),
    path("xac-thuc-hai-lop/", views_auth.totp_setup_view, name="totp_setup"),
    path("dang-xuat/", views_auth.logout_view, name="logout"),
    path("ho-so/", views.dossier_list_view, name="dossiers"),
    path("tiep-nhan/", intake.intake_pick, name="intake"),
    path("tiep-nhan/<str:code>/", intake.intake_form, name="intake_form"),
    path("dan-cu/tra-cuu/", population.lookup, name="population_lookup"),
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/giay-tiep-nhan/", views.receipt, name="receipt"),
    path("ho-so/<str:code>/thao-tac/<str:action>/", views.dossier_action, name="dossier_action"),
    path("ho-so/<str:code>/tep/", views.attachment_upload, name="attachment_upload"),
    path("ho-so/<str:code>/tep/<int:attachment_id>/", views.attachment_get, name="attachment"),
    path("ho-so/<str:code>/bieu-mau/<str:number>/", views.form_pdf, name="form"),
    path("ho-so/<str:code>/to-khai.pdf", views.eform_pdf, name="eform_pdf"),
    path("so-theo-doi/", views.register_view, name="register"),
    path("phan-cong/", views.workload_view, name="workload"),
    path("doi-soat-thanh-toan/", payments.payment_mismatches, name="payment_mismatches"),
    path(
        "doi-soat-thanh-toan/<int:pk>/",
        payments.payment_mismatch_close,
        name="payment_mismatch_close",
    ),
    path("huong-dan/", guide.guide_index, name="guide"),
    path("huong-dan/anh/<str:name>", guide.guide_image, name="guide_image"),
    path("huong-dan/<str:slug>/", guide.guide_page, name="guide_page"),
]
