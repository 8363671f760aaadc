from django.urls import path

from motcua.calendars.api.views import CalendarDayListView, CalendarDayView, DueView

urlpatterns = [
    path("due", DueView.as_view(), name="calendar-due"),
    path("days", CalendarDayListView.as_view(), name="calendar-day-list"),
    path("days/<str:day>", CalendarDayView.as_view(), name="calendar-day"),
]
