from django.urls import path

from motcua.feedback.api import views
from motcua.feedback.services import STEPS

urlpatterns = [
    path("feedback", views.FeedbackListCreateView.as_view(), name="feedback"),
    path("feedback-answers", views.PublishedAnswersView.as_view(), name="feedback-answers"),
    path("feedback/<str:code>", views.FeedbackDetailView.as_view(), name="feedback-detail"),
    path(
        "feedback/<str:code>/history",
        views.FeedbackHistoryView.as_view(),
        name="feedback-history",
    ),
    path("feedback/<str:code>/info", views.FeedbackInfoView.as_view(), name="feedback-info"),
    path(
        "feedback/<str:code>/reaction",
        views.FeedbackReactionView.as_view(),
        name="feedback-reaction",
    ),
] + [
    path(f"feedback/<str:code>/{step}", views.step_view(step).as_view(), name=f"feedback-{step}")
    for step in STEPS
]
