"""What `javon analyze [--lang uz|ru|en|auto] [--json] TEXT` prints (like Elasticsearch _analyze).

The Django management command only parses its arguments and prints run_analyze()'s result.
"""

from __future__ import annotations

import json

from .analyzer import analyze
from .detect import detect_language

_COLUMNS = ("position", "start", "end", "text", "key", "stem", "loose")


def run_analyze(text: str, lang: str | None, as_json: bool) -> str:
    """The analysis of ``text`` as a readable table or as JSON.

    JSON: {"language": <detected or given>, "tokens": [{"text", "key", "stem", "loose",
    "start", "end", "position"}, ...]}.
    """
    given = None if lang in (None, "", "auto") else lang
    language = given if given is not None else detect_language(text)
    tokens = analyze(text, given)
    if as_json:
        return json.dumps(
            {
                "language": language,
                "tokens": [
                    {
                        "text": t.text,
                        "key": t.key,
                        "stem": t.stem,
                        "loose": t.loose,
                        "start": t.start,
                        "end": t.end,
                        "position": t.position,
                    }
                    for t in tokens
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    rows = [[str(getattr(t, c)) for c in _COLUMNS] for t in tokens]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(_COLUMNS)]
    lines = [f"language: {language}" + ("" if given else " (detected)")]
    lines.append("  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())
    if not rows:
        lines.append("(no tokens)")
    return "\n".join(lines)
