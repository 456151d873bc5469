"""`oversight themes suggest`: the command-line contract checks rely on (issue 10)."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

THEMES = [
    {"name": "Vetting and misconduct", "description": "Vetting, misconduct investigations and dismissal."},
    {"name": "Training", "description": "Training and briefings for officers and staff."},
]
PASSAGES = [
    {"id": "b", "text": "All officers in public protection were re-vetted."},
    {"id": "a", "text": "A CPD day on coercive control was held for sergeants."},
    {"id": "c", "text": "Two officers were dismissed for gross misconduct."},
]


def _write(path: Path, lines: list[object] | None = None, raw: str | None = None) -> Path:
    path.write_text(
        raw if raw is not None else "\n".join(json.dumps(line) for line in lines or []) + "\n", encoding="utf-8"
    )
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "themes": _write(tmp_path / "themes.json", raw=json.dumps(THEMES)),
        "input": _write(tmp_path / "passages.jsonl", PASSAGES),
        "coded": _write(tmp_path / "coded.jsonl", [{"text": "A masterclass for inspectors", "theme": "Training"}]),
    }


def _run(files: dict[str, Path]) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    args = ["suggest", "--themes", str(files["themes"]), "--input", str(files["input"])]
    if "coded" in files:
        args += ["--coded", str(files["coded"])]
    call_command("themes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _refused(files: dict[str, Path]) -> str:
    """Runs the command expecting exit status 2 and nothing on stdout; returns the message."""
    out, err = StringIO(), StringIO()
    args = ["suggest", "--themes", str(files["themes"]), "--input", str(files["input"])]
    if "coded" in files:
        args += ["--coded", str(files["coded"])]
    with pytest.raises(SystemExit) as exit_:
        call_command("themes", *args, stdout=out, stderr=err)
    assert exit_.value.code == 2
    assert out.getvalue() == ""
    return err.getvalue()


def test_one_json_line_per_passage_in_input_order(files: dict[str, Path]) -> None:
    out, err = _run(files)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["b", "a", "c"]
    for line in lines:
        assert set(line) == {"id", "theme", "score", "because"}
        assert line["theme"] in {t["name"] for t in THEMES}
        assert isinstance(line["score"], float) and 0 <= line["score"] <= 1
        assert isinstance(line["because"], str) and line["because"]
    assert [line["theme"] for line in lines] == ["Vetting and misconduct", "Training", "Vetting and misconduct"]
    assert err == ""


def test_coded_is_optional_and_blank_lines_are_skipped(files: dict[str, Path]) -> None:
    del files["coded"]
    _write(files["input"], raw=json.dumps(PASSAGES[0]) + "\n\n   \n" + json.dumps(PASSAGES[1]) + "\n")
    out, _ = _run(files)
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["b", "a"]


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        ("themes", "[]", "has no themes"),
        ("themes", '[{"name": "A"', "themes.json is not valid JSON (line 1"),
        ("themes", '{"name": "A", "description": ""}', "must be a JSON list"),
        ("themes", '[{"name": "", "description": ""}]', 'theme 1 needs "name"'),
        ("themes", '[{"name": "A", "description": ""}, {"name": "A", "description": ""}]', "more than once: A"),
        ("input", '{"id": "a", "text": "x"}\n{"id": "b", "text": \n', "passages.jsonl, line 2 is not valid JSON"),
        ("input", '{"id": "a", "text": "x"}\n{"text": "no id"}\n', "passages.jsonl, line 2: a passage needs"),
        ("input", '{"id": "a"}\n', "passages.jsonl, line 1: a passage needs"),
        ("input", '{"id": 7, "text": "x"}\n', "passages.jsonl, line 1: a passage needs"),
        ("input", '["a", "x"]\n', "passages.jsonl, line 1: a passage needs"),
        ("input", '{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "id 'a' was already used on line 1"),
        ("coded", '{"text": "cells", "theme": "Custody"}\n', "coded.jsonl, line 1: theme 'Custody' is not one of"),
        ("coded", '{"text": "cells"}\n', "coded.jsonl, line 1: a coded passage needs"),
        ("coded", "not json\n", "coded.jsonl, line 1 is not valid JSON"),
    ],
)
def test_bad_input_exits_2_naming_the_file_and_line(
    files: dict[str, Path], which: str, content: str, message: str
) -> None:
    _write(files[which], raw=content)
    assert message in _refused(files)


@pytest.mark.parametrize("which", ["themes", "input", "coded"])
def test_a_missing_file_exits_2(files: dict[str, Path], which: str) -> None:
    files[which] = files[which].with_name("missing.json")
    assert f"Cannot read {files[which]}" in _refused(files)


def test_a_file_that_is_not_utf8_exits_2(files: dict[str, Path]) -> None:
    files["input"].write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')
    assert "not UTF-8" in _refused(files)


def test_the_installed_command_exits_2_with_nothing_on_stdout(files: dict[str, Path]) -> None:
    _write(files["input"], raw='{"id": "a", "text": "x"}\n{oops\n')
    oversight = Path(sys.executable).with_name("oversight")
    args = [str(oversight), "themes", "suggest", "--themes", str(files["themes"]), "--input", str(files["input"])]
    result = subprocess.run(args, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 2
    assert result.stdout == ""
    assert "passages.jsonl, line 2 is not valid JSON" in result.stderr
