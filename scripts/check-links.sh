#!/usr/bin/env bash
# Checks that every relative link and image in the project's Markdown files resolves: the target file (or
# directory) exists in the repository, and a `#heading` anchor into a Markdown file names one of its headings
# (GitHub's slug rules). External links (http:, https:, mailto:) are not fetched.
#
# Files checked: every *.md in the repository outside build output and fuzz corpora (README.md, BENCHMARKS.md,
# CHANGELOG.md, SECURITY.md, docs/*.md, tests/vectors/README.md, ...). Exits non-zero and names each broken
# link as FILE:LINE: TARGET (WHY).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }

python3 - <<'EOF'
import os
import re
import subprocess
import sys
import unicodedata

ROOT = os.getcwd()
SKIP_DIRS = {".git", "target", "artifacts", "corpus", "coverage", "build", "node_modules", "__pycache__"}

# Files git knows about (tracked, or new and not ignored): a link into target/ or another ignored path
# would resolve here and break on a fresh clone. Without git, every file on disk counts.
try:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        check=True, capture_output=True,
    ).stdout.decode().split("\0")
    in_repo = {os.path.normpath(p) for p in listed if p}
except (OSError, subprocess.CalledProcessError):
    in_repo = None


def exists_in_repo(rel):
    path = os.path.join(ROOT, rel)
    if in_repo is None:
        return os.path.exists(path)
    if rel in in_repo:
        return os.path.isfile(path)
    prefix = rel.rstrip("/") + "/"
    return os.path.isdir(path) and any(p.startswith(prefix) for p in in_repo)


def markdown_files():
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".md"):
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
                if exists_in_repo(rel):
                    yield rel


FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def prose_lines(text):
    """(line number, line) outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.split("\n"), 1):
        m = FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            continue
        if m:
            fence = m.group(1)
            continue
        yield number, line


def slug(heading):
    """GitHub's anchor for a heading: rendered text, lowercased, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links and images keep their text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.replace("`", "").replace("*", "")
    text = text.strip().lower()
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in " -" or cat[0] in "LMN" or cat == "Pc":
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


anchor_cache = {}


def anchors(rel):
    if rel not in anchor_cache:
        found = set()
        counts = {}
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            text = f.read()
        for _, line in prose_lines(text):
            m = re.match(r"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m:
                base = slug(m.group(1))
                n = counts.get(base, 0)
                counts[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
            for m in re.finditer(r"<a\s+[^>]*(?:id|name)=\"([^\"]+)\"", line):
                found.add(m.group(1))
        anchor_cache[rel] = found
    return anchor_cache[rel]


INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

broken = []
checked = 0
files = list(markdown_files())
for rel in files:
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        text = f.read()
    for number, line in prose_lines(text):
        code_free = re.sub(r"(`+)(?:(?!\1).)+\1", "", line)  # links inside `code` are not links
        targets = [m.group(1) for m in INLINE.finditer(code_free)]
        ref = REFERENCE.match(code_free)
        if ref:
            targets.append(ref.group(1))
        for target in targets:
            target = target.strip("<>")
            if EXTERNAL.match(target) or target.startswith("//"):
                continue
            checked += 1
            path, _, anchor = target.partition("#")
            if path.startswith("/"):
                broken.append((rel, number, target, "absolute path: write it relative to the file"))
                continue
            if path:
                dest = os.path.normpath(os.path.join(os.path.dirname(rel), path))
                if dest == ".." or dest.startswith("../") or os.path.isabs(dest):
                    broken.append((rel, number, target, "points outside the repository"))
                    continue
                if not exists_in_repo(dest):
                    broken.append((rel, number, target, f"no such file in the repository: {dest}"))
                    continue
            else:
                dest = rel
            if anchor and dest.endswith(".md") and os.path.isfile(os.path.join(ROOT, dest)):
                if anchor not in anchors(dest):
                    broken.append((rel, number, target, f"no heading #{anchor} in {dest}"))

for rel, number, target, why in broken:
    print(f"{rel}:{number}: {target} ({why})")
print(f"check-links: {len(files)} Markdown files, {checked} relative links, {len(broken)} broken")
sys.exit(1 if broken else 0)
EOF
