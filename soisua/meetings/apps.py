from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "soisua.meetings"
    label = "meetings"

    def ready(self):
        from soisua.org.signals import cell_members_changed, subtree_moved

        # agenda registers what waits for a person on the home page, record_facts the facts offered to reviews.
        from . import agenda, record_facts, services  # noqa: F401

        cell_members_changed.connect(services.add_joiners_to_upcoming_rolls, dispatch_uid="meetings.rolls")
        subtree_moved.connect(services.follow_moved_subtree, dispatch_uid="meetings.province_key")
