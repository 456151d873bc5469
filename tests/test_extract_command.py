"""`oversight extract`: the command-line contract checks rely on (issue 9)."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

DOCUMENTS = Path(__file__).parent / "documents"
ITEM_KEYS = {"kind", "ref", "text", "addressees", "deadline_text", "due", "urgent"}
ADDRESSEES = {
    "chief_constables", "pccs", "npcc", "college_of_policing", "iopc", "home_office", "moj", "cps", "forces", "other",
}  # fmt: skip


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("extract", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_report_json_has_the_contract_shape() -> None:
    out, _ = _run(
        str(DOCUMENTS / "wmp-jac-hmicfrs-update-2022-09.md"), "--kind", "report", "--published", "2022-09-29", "--json"
    )
    items = json.loads(out)["items"]
    assert len(items) == 8
    for item in items:
        assert set(item) == ITEM_KEYS
        assert item["kind"] in {"recommendation", "area_for_improvement", "cause_of_concern"}
        assert set(item["addressees"]) <= ADDRESSEES
        assert isinstance(item["urgent"], bool) and isinstance(item["text"], str)
        assert item["ref"] is None or isinstance(item["ref"], str)
    assert items[6] == {
        "kind": "recommendation",
        "ref": "1",
        "text": items[6]["text"],
        "addressees": ["forces"],
        "deadline_text": "By March 2023",
        "due": "2023-03-31",
        "urgent": False,
    }
    assert items[6]["text"].startswith("By March 2023, forces should make sure their crime scene management")


def test_response_json_has_the_contract_shape() -> None:
    out, _ = _run(str(DOCUMENTS / "wm-pcc-response-duty-to-protect.txt"), "--kind", "response", "--json")
    actions = json.loads(out)["actions"]
    assert actions and all(set(action) == {"text", "status"} for action in actions)
    assert {action["status"] for action in actions} == {"intended", "taken"}


def test_register_json_gives_items_with_their_history(tmp_path: Path) -> None:
    page = tmp_path / "register.txt"
    page.write_text(
        "Stop and search (3827)\n\nChief Constables should publish their records.\n\n"
        "[on]9th July 2013 [status]awaiting-review[/status][/on]\n",
        encoding="utf-8",
    )
    out, _ = _run(str(page), "--kind", "register", "--published", "2013-07-09", "--json")
    [entry] = json.loads(out)["entries"]
    assert set(entry) == ITEM_KEYS | {"history"}
    assert entry["ref"] == "3827"
    assert entry["history"] == [{"on": "2013-07-09", "status": "awaiting_review", "comment": ""}]


def test_without_json_a_readable_table() -> None:
    out, _ = _run(str(DOCUMENTS / "wmp-jac-hmicfrs-update-2022-09.md"), "--kind", "report", "--published", "2022-09-29")
    assert "recommendation" in out and "ref 10618" in out and "due 2023-03-31" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


@pytest.mark.parametrize("name", ["missing.pdf", "."])
def test_a_file_it_cannot_read_exits_2_with_a_message(tmp_path: Path, name: str) -> None:
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("extract", str(tmp_path / name), "--kind", "report", "--json", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert "Cannot read" in err.getvalue()


def test_unreadable_content_exits_2_from_the_console(tmp_path: Path) -> None:
    binary = tmp_path / "report.pdf"  # not a PDF, and not text either
    binary.write_bytes(b"\x80\x81\x00not a report\xc3\x28" * 50)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    oversight = Path(sys.executable).parent / "oversight"
    for path in (binary, empty):
        result = subprocess.run(  # noqa: S603
            [str(oversight), "extract", str(path), "--kind", "report", "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert "Cannot read" in result.stderr and "Traceback" not in result.stderr
