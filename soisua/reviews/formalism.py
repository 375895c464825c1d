"""Formalism signals (docs/domain.md, "Early warning"): computed when a review is submitted, shown to the cell and
the upper level, never blocking.

Stored on the review as codes with numbers; the sentences are written when shown, in the reader's language.
"""

from soisua.core import similarity
from soisua.core.text import fold
from soisua.org.models import Unit

from .enums import FeedbackKind, ReviewStatus
from .models import Feedback, Review, TemplateText
from .queries import form_fields, grassroots_of

# Similarity from which a text counts as copied: MinHash estimate of the shingle Jaccard similarity.
NEAR_DUPLICATE = 0.8
# Shortcomings that say nothing; compared without diacritics, case or punctuation.
GENERIC_SHORTCOMINGS = frozenset(fold(text) for text in (
    "không", "không có", "không có khuyết điểm", "không có hạn chế", "không có hạn chế, khuyết điểm",
    "chưa có", "chưa có hạn chế", "chưa thấy", "chưa thấy khuyết điểm", "không có gì", "chưa phát hiện",
    "không có biểu hiện", "không vi phạm",
))
# A cell where at least this many feedback items were given, all of them praise, avoids criticism.
ALL_PRAISE_MINIMUM = 3


def review_text(review: Review) -> str:
    """Everything the author wrote: the form's text answers, the shortcomings, the checklist descriptions."""
    fields = form_fields(review.form)
    parts = [review.answers.get(key, "") for key in fields if isinstance(review.answers.get(key), str)]
    parts += [f"{shortcoming.text} {shortcoming.cause_text} {shortcoming.measures}"
              for shortcoming in review.shortcomings.all()]
    parts += [entry.get("text", "") for entry in review.checklist.values()]
    return "\n".join(part for part in parts if part)


def _is_generic(text: str) -> bool:
    return "".join(char for char in fold(text) if char.isalnum() or char == " ").strip() in GENERIC_SHORTCOMINGS


def signals_at_submit(review: Review) -> tuple[bytes, list[dict]]:
    """The review's signature and its signals: near-duplicates of the author's earlier reviews, of other reviews
    in the same cycle and grassroots organisation, and of known template texts; empty or generic shortcomings."""
    signature = similarity.signature(review_text(review))
    signals = []
    own = Review.objects.filter(signature__isnull=False).exclude(pk=review.pk)
    own = own.filter(member=review.member) if review.member_id else own.filter(unit=review.unit, member=None)
    for other, score in similarity.near_duplicates(_candidates(own.select_related("cycle")), signature,
                                                   threshold=NEAR_DUPLICATE)[:1]:
        signals.append({"code": "copied_own", "similarity": round(score, 2), "review": other.pk,
                        "cycle": other.cycle.title})
    organisation = grassroots_of(review.unit)
    peers = (Review.objects.filter(cycle=review.cycle, unit__path__startswith=organisation.path,
                                   signature__isnull=False).exclude(pk=review.pk).select_related("member", "unit"))
    for other, score in similarity.near_duplicates(_candidates(peers), signature, threshold=NEAR_DUPLICATE)[:3]:
        signals.append({"code": "copied_peer", "similarity": round(score, 2), "review": other.pk,
                        "name": str(other.member or other.unit)})
    templates = ((template, bytes(template.signature)) for template in TemplateText.objects.all()
                 if len(template.signature) == similarity.SIGNATURE_BYTES)
    for template, score in similarity.near_duplicates(templates, signature, threshold=NEAR_DUPLICATE)[:1]:
        signals.append({"code": "template", "similarity": round(score, 2), "title": template.title})
    shortcomings = [shortcoming.text for shortcoming in review.shortcomings.all()]
    if not shortcomings or all(_is_generic(text) for text in shortcomings):
        signals.append({"code": "no_shortcomings"})
    return signature, signals


def _candidates(reviews):
    # A signature of another length was made by an older version of the check: skip it rather than fail.
    for other in reviews.iterator(chunk_size=500):
        signature = bytes(other.signature)
        if len(signature) == similarity.SIGNATURE_BYTES:
            yield other, signature


def cell_signals(cycle, cell: Unit, reviews: list[Review]) -> list[dict]:
    """Signals about a whole cell: every member proposed at the top level; all feedback is praise."""
    signals = []
    members = [review for review in reviews if review.member_id and review.status == ReviewStatus.SUBMITTED]
    top = cycle.rule_set.levels.order_by("order").values_list("code", flat=True).first()
    if len(members) >= 3 and all((review.cell_level or review.self_level) == top for review in members):
        signals.append({"code": "all_at_top", "count": len(members)})
    kinds = list(Feedback.objects.filter(cycle=cycle, from_unit=cell).values_list("kind", flat=True))
    if len(kinds) >= ALL_PRAISE_MINIMUM and all(kind == FeedbackKind.STRENGTH for kind in kinds):
        signals.append({"code": "all_praise", "count": len(kinds)})
    return signals
