from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("units/<int:pk>/", views.unit_inspections, name="unit"),
    path("units/<int:pk>/dashboard/", views.unit_dashboard, name="dashboard"),
    path("units/<int:pk>/dashboard.<fmt:fmt>", views.unit_dashboard_export, name="dashboard.export"),
    path("units/<int:pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/notify/", views.notify, name="notify"),
    path("<int:pk>/self-report/", views.self_report, name="self_report"),
    path("<int:pk>/self-report/file/", views.self_report_file, name="self_report.file"),
    path("<int:pk>/findings/", views.finding, name="findings.add"),
    path("<int:pk>/remedies/", views.remedy_add, name="remedies.add"),
    path("remedies/<int:pk>/remove/", views.remedy_remove, name="remedies.remove"),
    path("<int:pk>/conclude/", views.conclude, name="conclude"),
    path("<int:pk>/conclusion.<fmt:fmt>", views.conclusion_document, name="conclusion"),
]
