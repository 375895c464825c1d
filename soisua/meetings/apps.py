from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "soisua.meetings"
    label = "meetings"

    def ready(self):
        from soisua.org.signals import cell_members_changed

        from . import services

        cell_members_changed.connect(services.add_joiners_to_upcoming_rolls, dispatch_uid="meetings.rolls")
