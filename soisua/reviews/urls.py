from django.urls import path

from .views import appraisal, documents, reviews
from .views import cycles as views

app_name = "reviews"

urlpatterns = [
    path("rules/", views.rule_set_list, name="rules.list"),
    path("rules/<int:pk>/", views.rule_set_detail, name="rules.detail"),
    path("rules/<int:pk>/copy/", views.rule_set_copy, name="rules.copy"),
    path("rules/<int:pk>/changes/", views.rule_set_changes, name="rules.changes"),
    path("rules/<int:pk>/publish/", views.rule_set_publish, name="rules.publish"),
    path("rules/<int:pk>/thresholds/", views.rule_set_thresholds, name="rules.thresholds"),
    path("rules/items/<int:pk>/edit/", views.checklist_item_edit, name="rules.item_edit"),
    path("units/<int:pk>/cycles/", views.cycle_list, name="cycles.list"),
    path("units/<int:pk>/new-cycle/", views.cycle_create, name="cycles.create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycles.detail"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycles.close"),
    path("cycles/<int:pk>/units/<int:unit_pk>/remind/", views.cycle_remind, name="cycles.remind"),
    path("cycles/<int:pk>/units/<int:unit_pk>/", views.cycle_unit, name="cycles.unit"),
    path("cycles/<int:pk>/units/<int:unit_pk>/superior-feedback/", appraisal.superior_feedback,
         name="cycles.superior_feedback"),
    path("cycles/<int:pk>/units/<int:unit_pk>/review-points/", appraisal.prompts_sent, name="cycles.prompts"),
    path("cycles/<int:pk>/units/<int:unit_pk>/summary.<fmt:fmt>", documents.cycle_unit_summary,
         name="cycles.summary"),
    path("cycles/<int:pk>/results.<fmt:fmt>", documents.cycle_results, name="cycles.results"),
    path("<int:pk>/document.<fmt:fmt>", documents.review_document, name="reviews.document"),
    path("mine/", reviews.my_reviews, name="reviews.mine"),
    path("<int:pk>/", reviews.review_detail, name="reviews.detail"),
    path("<int:pk>/edit/", reviews.review_edit, name="reviews.edit"),
    path("<int:pk>/autosave/", reviews.review_autosave, name="reviews.autosave"),
    path("<int:pk>/submit/", reviews.review_submit, name="reviews.submit"),
    path("<int:pk>/return/", reviews.review_return, name="reviews.return"),
    path("<int:pk>/on-paper/", reviews.review_on_paper, name="reviews.on_paper"),
    path("<int:pk>/exclude/", reviews.review_exclude, name="reviews.exclude"),
    path("<int:pk>/shortcomings/new/", reviews.shortcoming_add, name="shortcomings.create"),
    path("shortcomings/<int:pk>/edit/", reviews.shortcoming_edit, name="shortcomings.edit"),
    path("shortcomings/<int:pk>/remove/", reviews.shortcoming_remove, name="shortcomings.remove"),
    path("<int:pk>/feedback/", appraisal.feedback_give, name="feedback.create"),
    path("feedback/<int:pk>/respond/", appraisal.feedback_respond, name="feedback.respond"),
    path("<int:pk>/propose/", appraisal.review_propose, name="reviews.propose"),
    path("<int:pk>/decide/", appraisal.review_decide, name="reviews.decide"),
    path("<int:pk>/cancel/", appraisal.review_cancel, name="reviews.cancel"),
    path("<int:pk>/prompts/new/", appraisal.prompt_send, name="prompts.create"),
]
