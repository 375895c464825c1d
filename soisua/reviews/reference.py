"""The shipped rule sets as a reference for readers: every rule, its document and article, and whether its wording
was checked against the official text (and where) or why not. `docs/rules.md` carries this text between its
markers; `manage.py rules_reference` prints it, and a test keeps the two equal."""

from typing import Any

from .rule_set_data import read_data

SHIPPED = ("ruleset_2025_2.json", "ruleset_2025.json")
AUDIENCES = {"collective": "tập thể", "member": "đảng viên không giữ chức vụ lãnh đạo, quản lý",
             "leader": "cán bộ lãnh đạo, quản lý", "outside": "đảng viên không làm việc trong hệ thống chính trị",
             "probationary": "đảng viên dự bị", "both": "tập thể và cá nhân"}
KINDS = {"year": "hằng năm", "quarter": "hằng quý", "term": "cuối nhiệm kỳ", "ad_hoc": "khi cần thiết"}
START, END = "<!-- rules: generated from soisua/reviews/data -->", "<!-- rules: end -->"


def _cell(text: Any) -> str:
    return " ".join(str(text or "").split()).replace("|", "\\|")


def _state(row: dict) -> str:
    if row.get("verified"):
        source = row.get("verified_from") or {}
        where = source.get("publisher", "")
        link = f"[{_cell(source.get('title'))}]({source['url']})" if source.get("url") else _cell(source.get("title"))
        return f"checked: {link}" + (f" ({_cell(where)})" if where else "")
    return f"not checked: {_cell(row.get('unverified_reason')) or 'no reason given'}"


def _source(row: dict, documents: dict, default: str = "") -> str:
    code = row.get("document", row.get("source", default))
    number = documents.get(code, {}).get("number", code)
    return ", ".join(part for part in (number, _cell(row.get("article"))) if part)


def _rule(rule: list) -> str:
    return " and ".join(f"`{clause['fact']} {clause['op']}{' ' + str(clause['value']) if 'value' in clause else ''}`"
                        for clause in rule) or "judged by the committee"


def rule_set_markdown(data: dict) -> list[str]:
    documents = {document["code"]: document for document in data["documents"]}
    lines = [f"### Rule set {data['code']}: {data['name']}", ""]
    if data.get("in_force_from"):
        lines += [f"In force from {data['in_force_from']}.", ""]
    lines += ["| Document | Date | Issuer | Title | Read in |", "| --- | --- | --- | --- | --- |"]
    for document in data["documents"]:
        source = document.get("verified_from") or {}
        lines.append(f"| {document['number']} | {document['date']} | {_cell(document['issuer'])} | "
                     f"{_cell(document['title'])} | {_cell(source.get('publisher')) or '—'} |")
    lines += ["", "**Levels**", "", "| Code | Level | From | Source | State |", "| --- | --- | --- | --- | --- |"]
    for level in data["levels"]:
        lines.append(f"| `{level['code']}` | {level['name']} | {level['min_score']} | "
                     f"{_source(level, documents)} | {_state(level)} |")
    quota, split = data["quota"], data.get("score_split", {})
    lines += ["", f"**Quota**: {quota['percent']} % of those rated `{quota['base_level']}` may be rated "
                  f"`{quota['level']}` — {_source(quota, documents)}; {_state(quota)}.",
              "", f"**Score**: {split.get('general', 30)} points general criteria, {split.get('tasks', 70)} task "
                  f"results — {_source(split, documents)}; {_state(split)}."]
    if data.get("session_days"):
        lines += ["", "**Review session**: " + "; ".join(
            f"{row['who']}: at least {row['days']} day(s) ({_source(row, documents)})" for row in data["session_days"])
            + "."]
    lines += ["", "**Forcing conditions** (rated “Không hoàn thành nhiệm vụ” whatever the score)", "",
              "| Code | For | Found from | Source | State |", "| --- | --- | --- | --- | --- |"]
    for condition in data.get("forcing_conditions", []):
        lines.append(f"| `{condition['code']}` | {AUDIENCES.get(condition.get('applies_to', 'both'))} | "
                     f"{_rule(condition.get('rule', []))} | {_source(condition, documents)} | {_state(condition)} |")
    lines += ["", "**Forms**", "", "| Code | Form | For | Cycles | Source | State |",
              "| --- | --- | --- | --- | --- | --- |"]
    for form in data.get("forms", []):
        kinds = ", ".join(KINDS[kind] for kind in form.get("cycle_kinds", [])) or "every kind"
        lines.append(f"| {form['code']} | {_cell(form['name'])} | {AUDIENCES[form['audience']]} | {kinds} | "
                     f"{_source(form, documents)} | {_state(form)} |")
    for checklist in data.get("checklists", []):
        default = checklist.get("document", checklist.get("source", ""))
        items = [item for group in checklist["groups"] for item in group["items"]]
        checked = sum(1 for item in items if item.get("verified"))
        lines += ["", f"**{checklist['name']}** ({checked} of {len(items)} checked against the official text)", "",
                  "| Code | Item | Source | State |", "| --- | --- | --- | --- |"]
        for item in items:
            lines.append(f"| {item['code']} | {_cell(item['text'])} | {_source(item, documents, default)} | "
                         f"{_state(item)} |")
    return lines


def markdown() -> str:
    """The generated part of docs/rules.md, markers included."""
    lines = [START, ""]
    for name in SHIPPED:
        lines += [*rule_set_markdown(read_data(name)), ""]
    return "\n".join([*lines, END]) + "\n"
