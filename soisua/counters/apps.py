from django.apps import AppConfig


class CountersConfig(AppConfig):
    name = "soisua.counters"
    label = "counters"

    def ready(self):
        from soisua.org.signals import subtree_moved

        from . import rollups

        subtree_moved.connect(rollups.follow_moved_subtree, dispatch_uid="counters.follow_moved_subtree")
