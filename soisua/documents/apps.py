from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "soisua.documents"
    label = "documents"

    def ready(self):
        from . import converters, jobs  # noqa: F401 - the periodic job that deletes expired exports

        converters.register()
