from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("units/<int:pk>/", views.meeting_list, name="list"),
    path("units/<int:pk>/new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/check-in/screen/", views.check_in_screen, name="check_in_screen"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("attendance/<int:pk>/", views.attendance_mark, name="attendance.mark"),
    # The minutes as Word and PDF, routed in views_documents: the tuple is what include() of that module returns.
    path("", ("soisua.meetings.views_documents", None, None)),
]
