from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import token_units
from .models import TokenScope
from .services import TOKEN_DAYS_MAX, TOKEN_NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TOKEN_NAME_MAX,
                           help_text=_("What the token is for, e.g. the commune's reporting spreadsheet."))
    scope = forms.ChoiceField(label=_("What it may do"), choices=TokenScope.choices, initial=TokenScope.READ,
                              widget=forms.RadioSelect, required=False,
                              help_text=_("A token that only reads is refused every change: give a program no "
                                          "more than it needs."))
    unit = forms.TypedChoiceField(label=_("Limited to"), coerce=int, empty_value=None, required=False,
                                  help_text=_("The token sees only this unit and the units under it."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=TOKEN_DAYS_MAX,
                              initial=settings.API_TOKEN_DAYS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Everything you can see")), *token_units.provider().choices(user)]

    def clean_scope(self) -> str:
        """Read only unless asked otherwise (a form sent without the choice gets the narrower token)."""
        return self.cleaned_data["scope"] or TokenScope.READ


class SetupCodeForm(forms.Form):
    """The first step of activating a login: the user name and the set-up code the member was handed."""

    username = forms.CharField(label=_("User name"), max_length=150, widget=forms.TextInput(attrs={
        "autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}))
    code = forms.CharField(label=_("Set-up code"), max_length=40,
                           help_text=_("Ten letters and digits, as on the paper or in the SMS; spaces and hyphens do "
                                       "not matter."),
                           widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                         "spellcheck": "false"}))


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app (six digits) or, where `recovery` allows it, a recovery code."""

    code = forms.CharField(label=_("Code"), max_length=40, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false"}))

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            self.fields["code"].help_text = _("The six digits your authenticator app shows now, or one of your "
                                              "recovery codes (each works once).")
        else:
            self.fields["code"].help_text = _("The six digits the app shows for this account now.")
            self.fields["code"].widget.attrs.update(inputmode="numeric", autocapitalize="none")

    def refuse(self, error) -> None:
        """Show `error` on the code and empty the field: a code typed wrong is not shown back (a recovery code is a
        secret, and a stale code is only in the way of the next one)."""
        self.data = self.data.copy()
        self.data["code"] = ""
        self.add_error("code", error)
