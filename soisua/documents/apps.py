from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "soisua.documents"
    label = "documents"

    def ready(self):
        # jobs: the periodic job that deletes expired exports; agenda: the held rows waiting on the home page.
        from . import agenda, converters, jobs  # noqa: F401

        converters.register()
