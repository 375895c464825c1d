from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    # Exports (documents/views/exports.py)
    path("units/<int:pk>/roster.xlsx", views.roster_xlsx, name="roster.xlsx"),
    path("units/<int:pk>/roster.pdf", views.roster_pdf, name="roster.pdf"),
    path("units/<int:pk>/roster.docx", views.roster_docx, name="roster.docx"),
    path("members/<int:pk>/profile.pdf", views.profile_pdf, name="profile.pdf"),
    path("members/<int:pk>/profile.docx", views.profile_docx, name="profile.docx"),
    # Roster import (documents/views/imports.py)
    path("units/<int:pk>/import/", views.import_create, name="imports.create"),
    path("imports/<int:pk>/", views.import_detail, name="imports.detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="imports.confirm"),
    path("imports/<int:pk>/progress/", views.import_progress, name="imports.progress"),
    # Sub-units imported from a list (documents/views/units.py)
    path("units/<int:pk>/import-units/", views.units_import, name="units.import"),
    # Rows held for the committee that sees both records (documents/views/imports.py)
    path("held-rows/<int:pk>/", views.conflict_detail, name="conflicts.detail"),
    path("held-rows/<int:pk>/decide/", views.conflict_decide, name="conflicts.decide"),
]
