from django.urls import path

from . import views, views_documents

app_name = "meetings"

urlpatterns = [
    path("", views.my_meetings, name="mine"),
    path("feeds/", views.feed_create, name="feed.create"),
    path("feeds/<str:token>.ics", views.feed, name="feed"),
    path("units/<int:pk>/", views.meeting_list, name="list"),
    path("units/<int:pk>/new/", views.meeting_create, name="create"),
    path("units/<int:pk>/plan/", views.cell_plan, name="plan"),
    path("units/<int:pk>/plan/generate/", views.generate_meetings, name="plan.generate"),
    path("units/<int:pk>/topics/", views.topic_library, name="topics"),
    path("units/<int:pk>/topic-plan/", views.topic_plan, name="topic_plan"),
    path("units/<int:pk>/statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/check-in/screen/", views.check_in_screen, name="check_in_screen"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/roll/close/", views.mark_rest_absent, name="roll.close"),
    path("<int:pk>/speakers/", views.contribution_add, name="speakers.add"),
    path("<int:pk>/documents/", views.document_add, name="documents.add"),
    path("<int:pk>/documents/publish/", views.documents_publish, name="documents.publish"),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes.edit"),
    path("<int:pk>/minutes/approve/", views.minutes_approve, name="minutes.approve"),
    path("attendance/<int:pk>/", views.attendance_mark, name="attendance.mark"),
    path("speakers/<int:pk>/remove/", views.contribution_remove, name="speakers.remove"),
    path("documents/<int:pk>/", views.document_download, name="documents.download"),
    path("<int:pk>/minutes.docx", views_documents.minutes_word, name="minutes.docx"),
    path("<int:pk>/minutes.pdf", views_documents.minutes_pdf, name="minutes.pdf"),
]
