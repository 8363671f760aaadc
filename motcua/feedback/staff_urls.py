from django.urls import path

from motcua.feedback import staff_views

app_name = "feedback_staff"
urlpatterns = [
    path("", staff_views.staff_list, name="list"),
    path("<str:code>/", staff_views.staff_detail, name="detail"),
    path("<str:code>/<str:step>/", staff_views.staff_step, name="step"),
]
