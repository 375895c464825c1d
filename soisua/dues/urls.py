from django.urls import path

from . import views

app_name = "dues"

urlpatterns = [
    path("units/<int:pk>/", views.cell_dues, name="cell"),
    path("units/<int:pk>/start/", views.start, name="start"),
    path("units/<int:pk>/import/", views.payments_import, name="import"),
    path("members/<int:pk>/", views.member_dues, name="member"),
    path("members/<int:pk>/pay/", views.pay, name="pay"),
    path("meetings/<int:pk>/", views.meeting_sheet, name="meeting"),
]
