from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("saved/", views.saved, name="saved"),
    path("units/<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/bookmark/", views.bookmark, name="bookmark"),
    path("<int:pk>/study/", views.study, name="study"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/cells/<int:cell_pk>/", views.cell, name="cell"),
    path("<int:pk>/cells/<int:cell_pk>/export.<str:fmt>", views.cell_export, name="cell.export"),
    path("meetings/<int:pk>/link/", views.link, name="link"),
    path("meetings/<int:pk>/unlink/<int:document_pk>/", views.unlink, name="unlink"),
]
