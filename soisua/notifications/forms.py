from django import forms

from .kinds import KINDS
from .models import Delivery


class PreferencesForm(forms.Form):
    """One choice per kind of message that is not mandatory."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            if not kind.mandatory:
                self.fields[kind.code] = forms.ChoiceField(label=kind.label, choices=Delivery.choices, required=False,
                                                           initial=current.get(kind.code, Delivery.IMMEDIATE))

    def choices(self) -> dict[str, str]:
        """The choices made (a kind left out keeps what it was). A choice sent for a mandatory kind, which the page
        does not offer, is passed on for the service to refuse with its reason rather than dropped unseen."""
        forced = {kind.code: self.data[kind.code] for kind in KINDS.values()
                  if kind.mandatory and self.data.get(kind.code)}
        return forced | {code: delivery for code, delivery in self.cleaned_data.items() if delivery}
