from django.urls import path

from .views import documents, pages, plans

app_name = "corrections"

urlpatterns = [
    path("", pages.my_corrections, name="mine"),
    path("units/<int:pk>/", pages.unit_board, name="units.board"),
    path("units/<int:pk>/new/", pages.shortcoming_enter, name="shortcomings.create"),
    path("<int:pk>/", pages.shortcoming_detail, name="shortcomings.detail"),
    path("<int:pk>/progress/", pages.progress_post, name="shortcomings.progress"),
    path("<int:pk>/claim/", pages.fix_claim, name="shortcomings.claim"),
    path("<int:pk>/verify/", pages.fix_verify, name="shortcomings.verify"),
    path("<int:pk>/reopen/", pages.fix_reopen, name="shortcomings.reopen"),
    path("<int:pk>/comment/", pages.fix_comment, name="shortcomings.comment"),
    path("<int:pk>/new-plan/", plans.plan_create, name="plans.create"),
    path("plans/<int:pk>/", pages.plan_detail, name="plans.detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plans.edit"),
    path("plans/<int:pk>/submit/", pages.plan_submit, name="plans.submit"),
    path("plans/<int:pk>/decide/", pages.plan_decide, name="plans.decide"),
    path("plans/<int:pk>/document.<fmt:fmt>", documents.plan_document, name="plans.document"),
    path("units/<int:pk>/corrections.<fmt:fmt>", documents.unit_corrections, name="units.export"),
    path("measures/<int:pk>/steps/", pages.step_add, name="steps.create"),
    path("evidence/<int:pk>/", pages.evidence_download, name="evidence.download"),
]
