from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .services import TOKEN_DAYS_MAX, TOKEN_NAME_MAX


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TOKEN_NAME_MAX,
                           help_text=_("What the token is for, e.g. the commune's reporting spreadsheet."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=TOKEN_DAYS_MAX,
                              initial=settings.API_TOKEN_DAYS)
