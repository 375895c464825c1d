from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "soisua.documents"
    label = "documents"
