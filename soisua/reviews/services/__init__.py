"""Writes to rule sets, cycles, reviews, feedback and ratings (one function per write; see docs/conventions.md)."""

from .cycles import close_cycle, open_cycle, remind_not_submitted
from .errors import ReviewError, RuleSetError, StaleReview
from .feedback import give_feedback, respond_to_feedback
from .prompts import send_review_prompt
from .ratings import RuleViolation, cancel_rating, decide_level, propose_level
from .rule_sets import (
    add_template_text,
    copy_rule_set,
    import_rule_set,
    move_cycle,
    publish_rule_set,
    update_checklist_item,
    update_thresholds,
)
from .self_reviews import (
    MAX_TEXT_LENGTH,
    ReviewContent,
    add_review_shortcoming,
    exclude_review,
    mark_reviewed_on_paper,
    missing_for_submit,
    remove_review_shortcoming,
    return_review,
    save_review,
    submit_review,
    update_review_shortcoming,
)

__all__ = [
    "MAX_TEXT_LENGTH",
    "ReviewContent",
    "ReviewError",
    "RuleSetError",
    "RuleViolation",
    "StaleReview",
    "add_review_shortcoming",
    "add_template_text",
    "cancel_rating",
    "close_cycle",
    "copy_rule_set",
    "decide_level",
    "exclude_review",
    "give_feedback",
    "import_rule_set",
    "mark_reviewed_on_paper",
    "missing_for_submit",
    "move_cycle",
    "open_cycle",
    "propose_level",
    "publish_rule_set",
    "remind_not_submitted",
    "remove_review_shortcoming",
    "respond_to_feedback",
    "return_review",
    "save_review",
    "send_review_prompt",
    "submit_review",
    "update_checklist_item",
    "update_review_shortcoming",
    "update_thresholds",
]
