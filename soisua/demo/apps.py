from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo installation, assembled from each app's demo data (a tool package on top of the apps)."""

    name = "soisua.demo"
    label = "demo"
