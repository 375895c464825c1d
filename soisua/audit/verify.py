"""Check the audit chains (`manage.py verify_audit`; docs/security.md, "Tamper-evident audit trail").

Each chain is read in `seq` order, a slice at a time (memory stays bounded however long the trail), every hash is
computed again and every link followed; the heads and the anchors are checked against what was found. Each
problem is a sentence naming the entry (id, chain, seq) or the anchor concerned.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .chain import GENESIS, anchor_digest, entry_hash
from .models import AuditAnchor, AuditChain, AuditEntry

SLICE = 5000
SHOWN = 1000  # problems kept word for word; beyond them only counted (a rewritten table names millions)
FIELDS = ("id", "seq", "previous_hash", "hash", "at", "actor_id", "actor_label", "action", "object_type",
          "object_id", "object_label", "changes")


@dataclass
class Report:
    chains: int = 0
    entries: int = 0
    anchors: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    found: int = 0  # problems found, including those past SHOWN

    @property
    def clean(self) -> bool:
        return not self.found

    def add(self, problem: str) -> None:
        self.found += 1
        if len(self.problems) < SHOWN:
            self.problems.append(problem)


def _anchors(report: Report, kept: Iterable[str]) -> dict[int, dict[int, list[tuple[str, str]]]]:
    """{chain: {seq: [(period, hash)]}} from every anchor, after checking the anchors themselves."""
    expected: dict[int, dict[int, list[tuple[str, str]]]] = {}
    digests = set()
    previous = GENESIS
    for anchor in AuditAnchor.objects.order_by("id").iterator():
        report.anchors += 1
        if anchor_digest(anchor.period, anchor.heads, anchor.previous_digest) != anchor.digest:
            report.add(f"anchor {anchor.period} was edited: its digest does not match its heads")
        elif anchor.previous_digest != previous:
            report.add(f"anchor {anchor.period} does not follow the anchor before it: "
                                   "an anchor was deleted or inserted")
        previous = anchor.digest
        digests.add(anchor.digest)
        for chain, (seq, hash_) in anchor.heads.items():
            expected.setdefault(int(chain), {}).setdefault(int(seq), []).append((anchor.period, hash_))
    for digest in kept:
        if digest not in digests:
            report.add(f"no anchor has the digest {digest} kept off-site: "
                                   "the anchors were edited or deleted")
    return expected


def verify(*, kept_digests: Iterable[str] = (), progress: Callable[[int, int], None] | None = None,
           slice_size: int = SLICE) -> Report:
    """Walk every chain; `progress(done, total)` is told as entries are read (total from the heads)."""
    started = time.monotonic()
    report = Report()
    expected = _anchors(report, kept_digests)
    heads = {chain: (seq, hash_) for chain, seq, hash_ in AuditChain.objects.values_list("chain", "seq", "hash")}
    total = sum(seq for seq, _hash in heads.values())
    chains = set(heads) | set(expected)
    chains |= set(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        _walk(chain, heads.get(chain), expected.get(chain, {}), report, slice_size,
              lambda: progress(report.entries, max(total, report.entries)) if progress else None)
    report.chains = len(chains)
    report.seconds = time.monotonic() - started
    return report


def _walk(chain: int, head: tuple[int, str] | None, anchored: dict[int, list[tuple[str, str]]], report: Report,
          slice_size: int, advanced: Callable[[], None]) -> None:
    last_seq, last_hash, last_id = 0, GENESIS, None
    seen_anchored = set()
    rows = AuditEntry.objects.filter(chain=chain).order_by("seq", "id").values_list(*FIELDS)
    after = 0
    while batch := list(rows.filter(seq__gt=after)[:slice_size]):
        after = batch[-1][1]
        for (id_, seq, previous_hash, hash_, at, actor_id, actor_label, action, object_type, object_id,
             object_label, changes) in batch:
            intact = hash_ == entry_hash(chain, seq, previous_hash, at, actor_id, actor_label, action, object_type,
                                         object_id, object_label, changes)
            where = f"entry {id_} (chain {chain}, seq {seq})"
            if head is None:
                report.add(f"{where} was inserted: chain {chain} has no head")
            elif seq > head[0]:
                report.add(f"{where} was inserted: it lies past the chain's head (seq {head[0]})")
            elif seq == last_seq + 1:
                if previous_hash != last_hash:
                    report.add(f"{where} was inserted (does not link)" if not intact else
                                    f"{where} does not link to entry {last_id} (seq {last_seq}): it was inserted, "
                                    f"or entry {last_id} was rewritten with a new hash")
                elif not intact:
                    report.add(f"{where} was edited")
            else:  # a gap: the entries between were deleted
                report.add(f"entries after seq {last_seq} in chain {chain} are missing (deleted): "
                                f"next found is seq {seq} / id {id_}")
                if not intact:
                    report.add(f"{where} was edited")
            for period, anchored_hash in anchored.get(seq, ()):
                seen_anchored.add(seq)
                if anchored_hash != hash_:
                    report.add(f"{where} differs from the anchor of {period}: it was rewritten after the "
                                    "anchor")
            last_seq, last_hash, last_id = seq, hash_, id_
            report.entries += 1
        advanced()
    if head is not None:
        if head[0] != last_seq:
            report.add(f"chain {chain} ends at seq {last_seq} but its head says {head[0]}")
        elif head[1] != last_hash:
            report.add(f"the head of chain {chain} does not match its last entry (seq {last_seq})")
    for seq in sorted(set(anchored) - seen_anchored):
        periods = ", ".join(period for period, _hash in anchored[seq])
        report.add(f"chain {chain} has no entry at seq {seq}, which the anchor of {periods} holds: "
                        f"the chain was cut short or its entries deleted")
