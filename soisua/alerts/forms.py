from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import Check


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("What the unit does about it"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    threshold = forms.IntegerField(label=_("Threshold"), min_value=0,
                                   error_messages={"min_value": _("The threshold cannot be negative.")})
    period = forms.IntegerField(label=_("Period"), min_value=1, required=False)
    age_under = forms.IntegerField(label=_("Younger than (years)"), min_value=1, max_value=100, required=False)
    receiver = forms.ChoiceField(label=_("Level that receives the warnings"))
    note = forms.CharField(label=_("Reason for the change"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rule, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["receiver"].choices = [(kind.code, kind.name) for kind in levels]
        self.fields["threshold"].help_text = rule.threshold_meaning
        if rule.period_meaning is None:
            del self.fields["period"]
        else:
            self.fields["period"].help_text = rule.period_meaning
            self.fields["period"].required = True
        if rule.kind != Check.YOUNG_SILENT:
            del self.fields["age_under"]
        else:
            self.fields["age_under"].required = True
