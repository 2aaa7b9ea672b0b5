from __future__ import annotations

import json

from javon.text.cli import run_analyze


def test_json_output() -> None:
    out = json.loads(run_analyze("Ўзбекистон кутубхоналари", "uz", True))
    assert out["language"] == "uz"
    assert [t["key"] for t in out["tokens"]] == ["oʻzbekiston", "kutubxonalari"]
    assert out["tokens"][1]["stem"] == "kutubxona"
    assert set(out["tokens"][0]) == {"text", "key", "stem", "loose", "start", "end", "position"}


def test_table_output_detects_language() -> None:
    out = run_analyze("O‘zbekiston kutubxonalari va sheʼrlar", None, False)
    lines = out.splitlines()
    assert lines[0] == "language: uz-Latn (detected)"
    assert lines[1].split() == ["position", "start", "end", "text", "key", "stem", "loose"]
    assert "kutubxona" in out and "oʻzbekiston" in out


def test_auto_is_detection_and_empty_text() -> None:
    assert run_analyze("", "auto", False).endswith("(no tokens)")
    assert json.loads(run_analyze("Война и мир", "auto", True))["language"] == "ru"
