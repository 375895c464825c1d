from django.urls import path

from . import views, views_documents

app_name = "corrections"

urlpatterns = [
    path("", views.my_corrections, name="mine"),
    path("units/<int:pk>/", views.unit_board, name="units.board"),
    path("units/<int:pk>/new/", views.shortcoming_enter, name="shortcomings.create"),
    path("<int:pk>/", views.shortcoming_detail, name="shortcomings.detail"),
    path("<int:pk>/progress/", views.progress_post, name="shortcomings.progress"),
    path("<int:pk>/claim/", views.fix_claim, name="shortcomings.claim"),
    path("<int:pk>/verify/", views.fix_verify, name="shortcomings.verify"),
    path("<int:pk>/reopen/", views.fix_reopen, name="shortcomings.reopen"),
    path("<int:pk>/comment/", views.fix_comment, name="shortcomings.comment"),
    path("<int:pk>/new-plan/", views.plan_create, name="plans.create"),
    path("plans/<int:pk>/", views.plan_detail, name="plans.detail"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plans.submit"),
    path("plans/<int:pk>/decide/", views.plan_decide, name="plans.decide"),
    path("plans/<int:pk>/document.<str:fmt>", views_documents.plan_document, name="plans.document"),
    path("units/<int:pk>/corrections.xlsx", views_documents.unit_corrections_xlsx, name="units.xlsx"),
    path("measures/<int:pk>/steps/", views.step_add, name="steps.create"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence.download"),
]
