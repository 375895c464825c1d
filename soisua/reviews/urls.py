from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("rules/", views.rule_set_list, name="rules.list"),
    path("rules/<int:pk>/", views.rule_set_detail, name="rules.detail"),
    path("rules/<int:pk>/copy/", views.rule_set_copy, name="rules.copy"),
    path("rules/<int:pk>/publish/", views.rule_set_publish, name="rules.publish"),
    path("rules/<int:pk>/thresholds/", views.rule_set_thresholds, name="rules.thresholds"),
    path("rules/items/<int:pk>/edit/", views.checklist_item_edit, name="rules.item_edit"),
    path("units/<int:pk>/cycles/", views.cycle_list, name="cycles.list"),
    path("units/<int:pk>/new-cycle/", views.cycle_create, name="cycles.create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycles.detail"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycles.close"),
    path("cycles/<int:pk>/units/<int:unit_pk>/remind/", views.cycle_remind, name="cycles.remind"),
]
