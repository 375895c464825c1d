from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "soisua.library"
    label = "library"

    def ready(self):
        from . import agenda  # noqa: F401 - registers what waits for a member on the home page
