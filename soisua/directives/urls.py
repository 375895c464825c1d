from django.urls import path

from . import views

app_name = "directives"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("units/<int:pk>/", views.unit_directives, name="unit"),
    path("units/<int:pk>/new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/amend/", views.amend, name="amend"),
    path("<int:pk>/files/", views.add_file, name="files.add"),
    path("files/<int:pk>/", views.file_download, name="files.download"),
    path("key-tasks/<int:pk>/", views.key_task_edit, name="key_tasks.edit"),
    path("<int:pk>/units/<int:unit_pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/units/<int:unit_pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/units/<int:unit_pk>/progress.<fmt:fmt>", views.progress_export, name="progress.export"),
    path("<int:pk>/document.<fmt:fmt>", views.directive_document, name="document"),
    path("receipts/<int:pk>/report.<fmt:fmt>", views.report_document, name="receipts.document"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
    path("receipts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("receipts/<int:pk>/tasks/", views.task_add, name="tasks.add"),
    path("receipts/<int:pk>/report/", views.report, name="report"),
    path("tasks/<int:pk>/remove/", views.task_remove, name="tasks.remove"),
    path("reports/<int:pk>/evidence/", views.evidence_download, name="reports.evidence"),
]
