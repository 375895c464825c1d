from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    # Exports (documents/views/exports.py)
    path("units/<int:pk>/roster.<fmt:fmt>", views.roster, name="roster"),
    path("members/<int:pk>/profile.<fmt:fmt>", views.profile, name="profile"),
    # Exports written in the background (documents/views/exports.py)
    path("exports/<int:pk>/", views.export_detail, name="exports.detail"),
    path("exports/<int:pk>/progress/", views.export_progress, name="exports.progress"),
    path("exports/<int:pk>/file/", views.export_file, name="exports.file"),
    # Roster import (documents/views/imports.py)
    path("units/<int:pk>/import/", views.import_create, name="imports.create"),
    path("imports/<int:pk>/", views.import_detail, name="imports.detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="imports.confirm"),
    path("imports/<int:pk>/progress/", views.import_progress, name="imports.progress"),
    # Sub-units imported from a list (documents/views/units.py)
    path("units/<int:pk>/import-units/", views.units_import, name="units.import"),
    # Data exchange of a subtree's units and members (documents/views/exchange.py)
    path("units/<int:pk>/exchange/", views.exchange, name="exchange"),
    path("units/<int:pk>/exchange.<fmt:fmt>", views.exchange_download, name="exchange.download"),
    # Rows held for the committee that sees both records (documents/views/imports.py)
    path("held-rows/<int:pk>/", views.conflict_detail, name="conflicts.detail"),
    path("held-rows/<int:pk>/decide/", views.conflict_decide, name="conflicts.decide"),
]
