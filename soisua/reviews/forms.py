from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.core.formats import number
from soisua.corrections.enums import Cause
from soisua.org.forms import DateInput

from . import forcing
from .enums import TEXT_FIELD_KINDS, Anonymity, CycleKind, FeedbackKind, Grade, RuleSetStatus
from .models import RuleSet


class ScoreField(forms.DecimalField):
    """A score or a percentage as people write it: 24, 24,5 (or 24.5); shown without trailing zeros and with the
    language's decimal separator (core.formats.number), never "24.00"."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, localize=True, **kwargs)

    def prepare_value(self, value):
        return number(value) if isinstance(value, Decimal | int | float) else value


class CopyRuleSetForm(forms.Form):
    code = forms.SlugField(label=_("Code of the copy"), max_length=40,
                           help_text=_("Letters, digits and hyphens, e.g. 2025-xa-ea-kmut."))
    name = forms.CharField(label=_("Name of the copy"), max_length=255)


class ThresholdsForm(forms.Form):
    """One minimum-score field per level of the rule set, and the excellent quota."""

    quota_percent = ScoreField(label=_("Quota (percent)"), min_value=0, max_value=100, decimal_places=2)

    def __init__(self, *args, rule_set: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(rule_set.levels.all())
        for level in self.levels:
            self.fields[f"level_{level.code}"] = ScoreField(
                label=_("Minimum score for “%(level)s”") % {"level": level.name}, min_value=0, max_value=100,
                decimal_places=2, initial=level.min_score)
        self.fields["quota_percent"].initial = rule_set.quota_percent
        self.order_fields([*(f"level_{level.code}" for level in self.levels), "quota_percent"])

    def minimum_scores(self) -> dict:
        return {level.code: self.cleaned_data[f"level_{level.code}"] for level in self.levels}


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    article = forms.CharField(label=_("Article or item"), max_length=255, required=False,
                              help_text=_("Where it stands in its document, e.g. “Điều 14” or “biểu hiện 3”."))
    check = forms.ChoiceField(label=_("Record a check against an official text"), required=False,
                              widget=forms.RadioSelect, choices=[
                                  ("", _("No check now")),
                                  ("same", _("I compared it: the wording above is the official wording")),
                                  ("differs", _("I compared it: the official wording differs"))])
    against_title = forms.CharField(label=_("Text checked against"), max_length=255, required=False, help_text=_(
        "The document or page read, e.g. “Quy định 37-QĐ/TW ngày 25/10/2021, toàn văn”."))
    against_publisher = forms.CharField(label=_("Published by"), max_length=255, required=False,
                                        help_text=_("e.g. Báo Điện tử Đảng Cộng sản Việt Nam."))
    against_url = forms.URLField(label=_("Address"), max_length=500, required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("check") and not (data.get("against_title") and data.get("against_publisher")):
            self.add_error("against_title", _("Say which text the wording was checked against and who published "
                                              "it."))
        return data

    def edit(self) -> dict:
        """The service's arguments: wording, article, and the check when one is recorded."""
        data = self.cleaned_data
        check = None
        if data.get("check"):
            check = {"verified": data["check"] == "same", "title": data["against_title"],
                     "publisher": data["against_publisher"], "url": data["against_url"], "note": data["note"]}
        return {"text": data["text"], "article": data["article"], "check": check}


def coded(rule_set: RuleSet) -> str:
    """A rule set in a list: a copy keeps its original's long name, the code, first, tells them apart."""
    return f"{rule_set.code} · {rule_set.name}"


class CompareRuleSetsForm(forms.Form):
    against = forms.ModelChoiceField(label=_("Compare with"), queryset=RuleSet.objects.none(), required=False)

    def __init__(self, *args, rule_set: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].queryset = RuleSet.objects.exclude(pk=rule_set.pk).order_by("-created_at", "-id")
        self.fields["against"].label_from_instance = coded


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices, help_text=_(
        "A quarterly cycle evaluates only the leaders and managers, on form 05."))
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period until"), widget=DateInput())
    self_review_due = forms.DateField(label=_("Self-reviews due"), widget=DateInput())
    appraisal_due = forms.DateField(label=_("Cell appraisal due"), widget=DateInput())
    decision_due = forms.DateField(label=_("Decision due"), widget=DateInput())
    rule_set = forms.ModelChoiceField(label=_("Rule set"), queryset=RuleSet.objects.filter(
        status=RuleSetStatus.PUBLISHED))
    anonymity = forms.ChoiceField(label=_("Feedback anonymity"), choices=Anonymity.choices)
    enforce_order = forms.BooleanField(label=_("Enforce the review order"), required=False, initial=True,
                                       help_text=_("Collective first, then the head, the deputies and the members."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["rule_set"]
        field.label_from_instance = coded
        published = list(field.queryset.order_by("-published_at", "-pk")[:2])
        if len(published) == 1:
            # Nothing to choose: the one published rule set is the answer, already selected.
            field.empty_label = None
            self.initial["rule_set"] = published[0].pk
        else:
            field.empty_label = _("— choose —")

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        stages = [data.get(name) for name in ("self_review_due", "appraisal_due", "decision_due")]
        if all(stages) and not stages[0] <= stages[1] <= stages[2]:
            self.add_error("decision_due", _("The stages must follow each other: self-reviews, then the cell "
                                             "appraisal, then the decision."))
        return data


GRADES = [("", "—"), *Grade.choices]
PRESENCE = [("absent", _("Not present")), ("present", _("Present: I describe it"))]


class ReviewEditForm(forms.Form):
    """Every field of a review's form (sections as data), the checklist walk and the answers to review points."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    self_score_general = ScoreField(required=False, min_value=0, decimal_places=2)
    self_score_tasks = ScoreField(required=False, min_value=0, decimal_places=2)
    self_level = forms.ChoiceField(label=_("Level I propose"), required=False)

    def __init__(self, *args, review, fields: dict, checklist_items: list, prompts: list, levels: list, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import MAX_TEXT_LENGTH

        rule_set = review.cycle.rule_set
        self.text_keys, self.graded_keys = [], []
        for key, spec in fields.items():
            if spec["kind"] in TEXT_FIELD_KINDS:
                self.fields[f"a_{key}"] = forms.CharField(
                    label=spec["label"], required=False, max_length=MAX_TEXT_LENGTH, help_text=spec.get("help", ""),
                    widget=forms.Textarea(attrs={"rows": 4}), initial=review.answers.get(key, ""))
                self.text_keys.append(key)
            if spec.get("graded"):
                self.fields[f"g_{key}"] = forms.ChoiceField(
                    label=_("Grade: %(criterion)s") % {"criterion": spec["label"]}, choices=GRADES, required=False,
                    initial=review.grades.get(key, ""))
                self.graded_keys.append(key)
        self.checklist_items = checklist_items
        self.checklist_codes = [item.code for item in checklist_items]
        for item in checklist_items:
            entry = review.checklist.get(item.code, {})
            self.fields[f"c_{item.code}"] = forms.ChoiceField(
                label=f"{item.code}. {item.text}", choices=PRESENCE, required=False, widget=forms.RadioSelect,
                initial=("present" if entry.get("present") else "absent") if entry else None)
            self.fields[f"ct_{item.code}"] = forms.CharField(
                label=_("How it shows (%(code)s)") % {"code": item.code}, required=False,
                max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 2}), initial=entry.get("text", ""))
        self.prompt_ids = [prompt.pk for prompt in prompts]
        for prompt in prompts:
            self.fields[f"p_{prompt.pk}"] = forms.CharField(
                label=prompt.text, required=False, max_length=MAX_TEXT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}), initial=prompt.answer)
        self.fields["self_score_general"].max_value = rule_set.score_general
        self.fields["self_score_general"].label = _("General criteria (at most %(points)s points)") % {
            "points": rule_set.score_general}
        self.fields["self_score_tasks"].label = _("Task results (at most %(points)s points)") % {
            "points": rule_set.score_tasks}
        self.fields["self_level"].choices = [("", "—"), *((level.code, level.name) for level in levels)]
        self.initial.update({"version": review.version, "self_score_general": review.self_score_general,
                             "self_score_tasks": review.self_score_tasks, "self_level": review.self_level})

    def content(self):
        from .services import ReviewContent

        data = self.cleaned_data
        checklist = {}
        for code in self.checklist_codes:
            if data.get(f"c_{code}"):
                checklist[code] = {"present": data[f"c_{code}"] == "present", "text": data.get(f"ct_{code}", "")}
        return ReviewContent(
            answers={key: data.get(f"a_{key}", "") for key in self.text_keys},
            grades={key: data[f"g_{key}"] for key in self.graded_keys if data.get(f"g_{key}")},
            checklist=checklist, self_score_general=data.get("self_score_general"),
            self_score_tasks=data.get("self_score_tasks"), self_level=data.get("self_level") or "",
            prompt_answers={pk: data.get(f"p_{pk}", "") for pk in self.prompt_ids},
            citations=self.citations())

    def citations(self) -> list[tuple[str, str]] | None:
        """The citations the editor sends (hidden `citation` fields, "section|key"), with the one its "Cite" button
        adds or its "Remove" button takes out; None when the page sent none (it shows no citations)."""
        if not self.is_bound or "citations_sent" not in self.data:
            return None
        pairs = [_pair(value) for value in self.data.getlist("citation")]
        pairs = [pair for pair in pairs if pair is not None]
        if (cited := _pair(self.data.get("cite", ""))) is not None and cited not in pairs:
            pairs.append(cited)
        if (removed := _pair(self.data.get("uncite", ""))) is not None:
            pairs = [pair for pair in pairs if pair != removed]
        return pairs


def _pair(value: str) -> tuple[str, str] | None:
    section, sep, key = (value or "").partition("|")
    return (section, key) if sep and section and key else None


class ChecklistPicker(forms.CheckboxSelectMultiple):
    """The checklist items as boxes with their full wording, a fieldset per checklist, and a box that filters
    them as one types (reviews/static/reviews/reviews.js; without a script, the boxes alone). The filter ignores
    diacritics: each item carries its folded text (core.text.fold)."""

    template_name = "reviews/widgets/checklist_picker.html"


def checklist_choices(checklist_items: list) -> list[tuple[str, list[tuple[str, str]]]]:
    """The items grouped by checklist, in order, each with its code and full wording."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for item in checklist_items:
        groups.setdefault(item.checklist.name, []).append((str(item.pk), f"{item.code}. {item.text}"))
    return list(groups.items())


class ShortcomingForm(forms.Form):
    text = forms.CharField(label=_("Shortcoming"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices, initial=Cause.SUBJECTIVE)
    cause_text = forms.CharField(label=_("Explanation of the cause"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    responsibility = forms.CharField(label=_("Responsibility"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    checklist_items = forms.MultipleChoiceField(label=_("Related checklist items"), required=False,
                                                widget=ChecklistPicker)
    measures = forms.CharField(label=_("How I will fix it"), required=False, max_length=5000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    fix_by = forms.DateField(label=_("To be fixed by"), required=False, widget=DateInput())

    def __init__(self, *args, checklist_items: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist_items"].choices = checklist_choices(checklist_items)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class PaperForm(forms.Form):
    paper_on = forms.DateField(label=_("Date of the paper review"), widget=DateInput(),
                               help_text=_("The day the member was reviewed on paper in the cell's meeting."))


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FeedbackKind.choices, initial=FeedbackKind.SHORTCOMING)
    text = forms.CharField(label=_("Your feedback"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    checklist_items = forms.MultipleChoiceField(label=_("Related checklist items"), required=False,
                                                widget=ChecklistPicker)

    def __init__(self, *args, checklist_items: list, **kwargs):
        super().__init__(*args, **kwargs)
        if checklist_items:
            self.fields["checklist_items"].choices = checklist_choices(checklist_items)
        else:  # feedback on a committee is not tied to the checklists
            del self.fields["checklist_items"]


class FeedbackResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect, choices=[
        ("accept", _("I accept it as a shortcoming")), ("dispute", _("I dispute it"))])
    text = forms.CharField(label=_("The shortcoming, in your words (optional)"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Why you dispute it"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("response") == "dispute" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why you dispute this feedback."))
        return data


class RatingForm(forms.Form):
    """The cell's proposal or the superior committee's decision."""

    level = forms.ChoiceField(label=_("Level"))
    forcing = forms.MultipleChoiceField(label=_("Forcing conditions that apply"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = forms.CharField(label=_("Reason for overriding the rules"), required=False, max_length=5000,
                                      widget=forms.Textarea(attrs={"rows": 3}), help_text=_(
                                          "Only if the decision must go ahead although a rule above is broken. "
                                          "It is recorded and shown to the upper level."))

    def __init__(self, *args, levels: list, conditions: list, decision: bool, facts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # No level is shown as chosen until one is: the rule checks speak of the level the select shows.
        self.fields["level"].choices = [("", _("— choose —")), *((level.code, level.name) for level in levels)]
        judged = [condition for condition in conditions if not condition.rule]
        self.fields["forcing"].choices = [(condition.code, condition.text) for condition in judged]
        if not judged:
            del self.fields["forcing"]
        self.fact_names = []
        for fact in forcing.facts_used(conditions):
            name = f"fact_{fact.name}"
            self.fact_names.append(name)
            self.fields[name] = _fact_field(fact)
            self.fields[name].initial = (facts or {}).get(fact.name)
        self.order_fields(["level", *self.fact_names, "forcing", "comment", "override_reason"])
        if decision:
            self.fields["comment"].label = _("Reason (required when the level differs from the cell's proposal)")
        else:
            del self.fields["override_reason"]

    def fact_fields(self):
        return [self[name] for name in self.fact_names]

    def clean(self):
        data = super().clean()
        data["facts"] = {name.removeprefix("fact_"): data.get(name) for name in self.fact_names}
        data.setdefault("forcing", [])
        return data


def _fact_field(fact: "forcing.Fact") -> forms.Field:
    """The form field for a fact a forcing condition reads (reviews/forcing.py)."""
    if fact.kind == forcing.YES_NO:
        return forms.BooleanField(label=fact.label, required=False)
    if fact.kind == forcing.DISCIPLINE:
        return forms.ChoiceField(label=fact.label, required=False, choices=[("", "—"), *forcing.DISCIPLINE_CHOICES])
    maximum = 100 if fact.kind == forcing.PERCENT else 1000
    return forms.DecimalField(label=fact.label, required=False, min_value=0, max_value=maximum, decimal_places=2,
                              widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))


class PromptForm(forms.Form):
    text = forms.CharField(label=_("Review point"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("The collective or member must answer it in section IV of the review."))
