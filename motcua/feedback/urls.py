from django.urls import path

from motcua.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.feedback_answers, name="answers"),
    path("gui/", views.feedback_new, name="new"),
    path("tra-cuu/", views.feedback_lookup, name="lookup"),
    path("<str:code>/", views.feedback_status, name="status"),
    path("<str:code>/y-kien/", views.feedback_reaction, name="reaction"),
]
