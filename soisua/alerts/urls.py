from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("units/<int:pk>/", views.unit_alerts, name="unit"),
    path("units/<int:pk>/alerts.<fmt:fmt>", views.unit_alerts_export, name="unit.export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rule_edit, name="rules.edit"),
]
