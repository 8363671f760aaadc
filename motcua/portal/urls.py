from django.urls import path

from motcua.portal import citizen_views, help_views, lookup_views, payment_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure"),
    path("healthz", views.healthz, name="healthz"),
    # Online submission wizard.
    path("thu-tuc/<str:code>/nop-truc-tuyen/", citizen_views.submit_place, name="submit_place"),
    path(
        "thu-tuc/<str:code>/nop-truc-tuyen/nguoi-nop/",
        citizen_views.submit_applicant,
        name="submit_applicant",
    ),
    path(
        "thu-tuc/<str:code>/nop-truc-tuyen/giay-to/",
        citizen_views.submit_documents,
        name="submit_documents",
    ),
    path(
        "thu-tuc/<str:code>/nop-truc-tuyen/xem-lai/",
        citizen_views.submit_review,
        name="submit_review",
    ),
    # Hồ sơ của tôi.
    path("ho-so-cua-toi/", citizen_views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", citizen_views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bien-nhan/", citizen_views.receipt, name="receipt"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", citizen_views.my_supplement, name="my_supplement"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", citizen_views.my_payment, name="my_payment"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", citizen_views.my_withdraw, name="my_withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", citizen_views.my_rating, name="my_rating"),
    path(
        "ho-so-cua-toi/<str:code>/tep/<int:attachment_id>/",
        citizen_views.my_attachment,
        name="my_attachment",
    ),
    # Kho dữ liệu của tôi (the citizen's data store).
    path("kho-du-lieu/", citizen_views.my_store, name="my_store"),
    path("kho-du-lieu/<int:attachment_id>/", citizen_views.my_store_file, name="my_store_file"),
    # Lookup from home.
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/danh-gia/", lookup_views.lookup_rating, name="lookup_rating"),
    # Payment.
    path(
        "thanh-toan/thu-nghiem/<str:reference>/",
        payment_views.sandbox_gateway,
        name="sandbox_gateway",
    ),
    path("thanh-toan/ket-qua/", payment_views.payment_return, name="payment_return"),
    path(
        "thanh-toan/thong-bao/<str:provider>/",
        payment_views.payment_callback,
        name="payment_callback",
    ),
    # Help.
    path("huong-dan/", help_views.help_index, name="help"),
    path("huong-dan/<slug:topic>/", help_views.help_topic, name="help_topic"),
]
