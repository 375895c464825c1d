from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("meetings/<int:pk>/rate/", views.rate, name="rate"),
    path("units/<int:pk>/", views.unit_rubric, name="unit"),
]
