"""The review laid out for a page or a document: the form's sections with their fields or answers, in the order of
the paper form. Shapes data for templates and exports; reads nothing the review does not already carry."""

from .enums import Grade
from .models import Review


def grade_labels() -> dict:
    return dict(Grade.choices)


def editor_sections(review: Review, form) -> list[dict]:
    """The form's sections with their bound fields, in order, for the editor template."""
    sections = []
    for section in review.form.sections:
        fields = []
        for spec in section["fields"]:
            key = spec["key"]
            fields.append({"kind": spec["kind"], "key": key, "label": spec["label"],
                           "text": form[f"a_{key}"] if f"a_{key}" in form.fields else None,
                           "grade": form[f"g_{key}"] if f"g_{key}" in form.fields else None})
        sections.append({"code": section["code"], "title": section["title"], "fields": fields})
    return sections


def checklist_groups(form) -> list[tuple[str, list]]:
    """The checklist walk's bound fields grouped as on paper: [(group name, [(code, radio, text)])]."""
    groups: dict[str, list] = {}
    for item in form.checklist_items:
        name = f"{item.checklist.name}: {item.group_name}"
        groups.setdefault(name, []).append((item.code, form[f"c_{item.code}"], form[f"ct_{item.code}"]))
    return list(groups.items())


def reading_sections(review: Review, items) -> list[dict]:
    """The review as written, section by section: [{code, title, entries: [{label, text, grade, kind}]}]."""
    grades = grade_labels()
    present = [(item, review.checklist[item.code]) for item in items
               if review.checklist.get(item.code, {}).get("present")]
    sections = []
    for section in review.form.sections:
        entries = []
        for spec in section["fields"]:
            key, kind = spec["key"], spec["kind"]
            entries.append({"kind": kind, "label": spec["label"], "text": review.answers.get(key, ""),
                            "grade": grades.get(review.grades.get(key, ""), "") if review.grades.get(key) else "",
                            "present": present if kind == "checklist" else None,
                            "answered": len(review.checklist) if kind == "checklist" else None})
        sections.append({"code": section["code"], "title": section["title"], "entries": entries})
    return sections
