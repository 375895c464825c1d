from django.urls import path

from .views import documents, exchange, pages, rules, votes

app_name = "meetings"

urlpatterns = [
    path("", pages.my_meetings, name="mine"),
    path("feeds/", pages.feed_create, name="feed.create"),
    path("feeds/<str:token>.ics", pages.feed, name="feed"),
    path("units/<int:pk>/", pages.meeting_list, name="list"),
    path("units/<int:pk>/new/", pages.meeting_create, name="create"),
    path("units/<int:pk>/plan/", pages.cell_plan, name="plan"),
    path("units/<int:pk>/plan/generate/", pages.generate_meetings, name="plan.generate"),
    path("units/<int:pk>/topics/", pages.topic_library, name="topics"),
    path("units/<int:pk>/topic-plan/", pages.topic_plan, name="topic_plan"),
    path("units/<int:pk>/statistics/", pages.statistics, name="statistics"),
    path("units/<int:pk>/attendance.<str:fmt>", exchange.attendance_export, name="attendance_export"),
    path("units/<int:pk>/rules/", rules.unit_rules, name="unit_rules"),
    path("rules/", rules.rule_versions, name="rules"),
    path("rules/<int:pk>/copy/", rules.rules_copy, name="rules.copy"),
    path("rules/<int:pk>/edit/", rules.rules_edit, name="rules.edit"),
    path("rules/<int:pk>/publish/", rules.rules_publish, name="rules.publish"),
    path("rule-exceptions/<int:pk>/end/", rules.rule_exception_end, name="rule_exception.end"),
    path("<int:pk>/", pages.meeting_detail, name="detail"),
    path("<int:pk>/edit/", pages.meeting_edit, name="edit"),
    path("<int:pk>/cancel/", pages.meeting_cancel, name="cancel"),
    path("<int:pk>/check-in/screen/", pages.check_in_screen, name="check_in_screen"),
    path("<int:pk>/check-in/", pages.check_in, name="check_in"),
    path("<int:pk>/roll/close/", pages.mark_rest_absent, name="roll.close"),
    path("<int:pk>/roll/present/", pages.mark_rest_present, name="roll.present"),
    path("<int:pk>/speakers/", pages.contribution_add, name="speakers.add"),
    path("<int:pk>/documents/", pages.document_add, name="documents.add"),
    path("<int:pk>/documents/publish/", pages.documents_publish, name="documents.publish"),
    path("<int:pk>/minutes/", pages.minutes_edit, name="minutes.edit"),
    path("<int:pk>/minutes/approve/", pages.minutes_approve, name="minutes.approve"),
    path("attendance/<int:pk>/", pages.attendance_mark, name="attendance.mark"),
    path("speakers/<int:pk>/remove/", pages.contribution_remove, name="speakers.remove"),
    path("documents/<int:pk>/", pages.document_download, name="documents.download"),
    path("<int:pk>/minutes.<fmt:fmt>", documents.minutes, name="minutes"),
    path("<int:pk>/votes/", votes.votes, name="votes"),
    path("motions/<int:pk>/vote/", votes.motion_vote, name="motion.vote"),
    path("motions/<int:pk>/close/", votes.motion_close, name="motion.close"),
]
