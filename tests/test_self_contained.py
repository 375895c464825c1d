"""The repository carries its own reference: every document a tracked file cites is in the repository.

Comments and docs cite the project's own pages (`docs/domain.md`, `docs/architecture.md`, `docs/security.md`,
`docs/testing.md`, `docs/conventions.md`, README.md, CHANGELOG.md). A Markdown file named anywhere must be one of
the tracked files (by its path from the root or from the citing file, or by a tracked file's name), and no path
may lead out of the checkout (a `../` above the root, or an absolute path to a file or folder beside it). The
catalogue's location comments (`#:` lines of a `.po` file) only repeat source paths and are skipped.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)*[\w./-]*?[\w-]+\.md)\b")
UPWARD = re.compile(r"(?<![\w.])((?:\.\./)+)[\w-]")


def tracked_files(root: Path) -> list[Path]:
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run([git, "-C", str(root), "ls-files", "-z"],  # noqa: S603 (git on our own checkout)
                             capture_output=True, check=True).stdout
    return [root / name for name in listing.decode().split("\0") if name]


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


def citations_outside(root: Path, paths: list[Path]) -> list[str]:
    known = {path.resolve() for path in paths}
    names = {path.name for path in paths}
    parent = root.resolve().parent
    beside = [f"{parent}/{entry.name}" for entry in parent.iterdir() if entry.resolve() != root.resolve()]
    # One pattern for every name beside the checkout (longest first), tried only on lines naming the parent folder:
    # a checkout in a busy /tmp has hundreds of neighbours.
    neighbours = re.compile("(?:" + "|".join(re.escape(other) for other in sorted(beside, key=len, reverse=True))
                            + r")(?![\w.-])") if beside else None
    found = []
    for path in paths:
        for number, line in text_lines(path):
            where = f"{path.relative_to(root)}:{number}"
            for cited in MARKDOWN.findall(line):
                candidates = {(root / cited).resolve(), (path.parent / cited).resolve()}
                if not candidates & known and cited not in names:
                    found.append(f"{where}: {cited} is not in the repository")
            for upward in UPWARD.findall(line):
                depth = len(path.relative_to(root).parts) - 1
                if upward.count("../") > depth:
                    found.append(f"{where}: a path leads out of the repository: {line.strip()[:80]}")
            if neighbours and f"{parent}/" in line and neighbours.search(line):
                found.append(f"{where}: an absolute path beside the repository: {line.strip()[:80]}")
    return found


def test_every_cited_document_is_in_the_repository():
    checked = [path for path in tracked_files(ROOT) if path != Path(__file__).resolve()]  # its examples are made up

    found = citations_outside(ROOT, checked)

    assert found == [], "cite the project's own docs instead:\n" + "\n".join(found)


def test_the_check_finds_each_kind_of_outside_citation(tmp_path):
    root = tmp_path / "checkout"
    (root / "docs").mkdir(parents=True)
    own = root / "docs" / "guide.md"
    own.write_text("# Guide\n", encoding="utf-8")
    cited = root / "cited.py"
    (tmp_path / "notes").mkdir()
    (tmp_path / "scratch-1").mkdir()
    beside = str(tmp_path / "notes" / "plan.txt")
    cited.write_text("\n".join([
        '"""See notes.md §4."""',
        "# read ../notes/plan.txt",
        f"# or {beside}",
        "# fine: docs/guide.md and guide.md",
        f"# fine: a temporary {tmp_path}/scratch-* name",
    ]), encoding="utf-8")
    catalogue = root / "django.po"
    catalogue.write_text('#: notes.md\nmsgid "x"\nmsgstr "y"\n', encoding="utf-8")

    found = citations_outside(root, [own, cited, catalogue])

    assert [entry.split(": ")[0] for entry in found] == ["cited.py:1", "cited.py:2", "cited.py:3"]
