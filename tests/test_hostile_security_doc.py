"""docs/security.md names only tests that exist: each `tests/<file>.py::<test>` it cites is defined there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
CITED = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def test_every_test_the_security_document_names_exists() -> None:
    cited = CITED.findall(DOC.read_text(encoding="utf-8"))
    assert len(cited) >= 60
    missing = [
        f"{path}::{name}"
        for path, name in cited
        if not re.search(rf"^(?:async )?def {name}\(", (ROOT / path).read_text(encoding="utf-8"), re.M)
    ]
    assert not missing, missing


def test_the_readme_links_the_security_document() -> None:
    assert "docs/security.md" in (ROOT / "README.md").read_text(encoding="utf-8")
