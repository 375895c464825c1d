"""The repository carries its own reference: no tracked file cites a document that is not in it.

Comments and docs cite the project's own pages (`docs/domain.md`, `docs/architecture.md`, `docs/security.md`,
`docs/testing.md`, `docs/conventions.md`), never a design, domain or style document kept somewhere else, nor a path
outside the checkout. The catalogue's location comments (`#:` lines of a `.po` file) only repeat source paths and
are skipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Spelled in pieces so that this file does not cite them itself.
_MD = r"\.md\b"
FORBIDDEN = {
    "a design document outside the repository": re.compile("design" + _MD, re.IGNORECASE),
    "a style document outside the repository": re.compile("style" + _MD, re.IGNORECASE),
    "a domain document other than docs/domain.md": re.compile(r"(?<!docs/)domain" + _MD, re.IGNORECASE),
    "a reference kept outside the repository": re.compile(r"\bthe (?:design|domain|style) reference\b", re.IGNORECASE),
    "a path outside the repository": re.compile(
        r"\.\./shared\b|/work/" + r"shared\b|(?<![\w.-])shared/(?:design|domain|style)\b", re.IGNORECASE),
}


def tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run([git, "-C", str(ROOT), "ls-files", "-z"],  # noqa: S603 (git on our own checkout)
                             capture_output=True, check=True).stdout
    return [ROOT / name for name in listing.decode().split("\0") if name]


def text_lines(path: Path) -> list[tuple[int, str]]:
    """The file's lines worth checking, numbered; nothing for a binary or deleted file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, UnicodeDecodeError):
        return []
    lines = list(enumerate(text.splitlines(), start=1))
    if path.suffix == ".po":
        lines = [(number, line) for number, line in lines if not line.startswith("#:")]
    return lines


def citations_outside(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for number, line in text_lines(path):
            for what, pattern in FORBIDDEN.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()[:100]}")
    return found


def test_no_tracked_file_cites_a_document_outside_the_repository():
    found = citations_outside(tracked_files())

    assert found == [], "cite the project's own docs instead:\n" + "\n".join(found)


def test_the_check_finds_each_kind_of_outside_citation(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    cited = tmp_path / "cited.py"
    cited.write_text("\n".join([
        '"""See ' + "design" + '.md §4."""',
        "# the cast (" + "style" + ".md)",
        "# the rules of " + "domain" + ".md §3",
        "# read ../" + "shared/notes.txt",
        "# or /work/" + "shared/notes.txt",
        "# as the " + "design reference says",
        "# fine: docs/" + "domain" + '.md, "Meetings"',
    ]), encoding="utf-8")
    catalogue = tmp_path / "django.po"
    catalogue.write_text("#: " + "design" + '.md\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")

    found = citations_outside([cited, catalogue])

    assert [entry.split(": ")[0] for entry in found] == ["cited.py:1", "cited.py:2", "cited.py:3", "cited.py:4",
                                                        "cited.py:5", "cited.py:6"]
