from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "soisua.library"
    label = "library"
