"""core/logging.py: one JSON object per line, whatever the message holds."""

from __future__ import annotations

import json
import logging

from todo_api.core.logging import JsonFormatter


def _line(msg: str, **extra: object) -> dict[str, object]:
    record = logging.makeLogRecord({"name": "t", "levelno": 20, "levelname": "INFO", "msg": msg})
    record.__dict__.update(extra)
    parsed: dict[str, object] = json.loads(JsonFormatter().format(record))
    return parsed


def test_fields_given_as_extra_are_top_level_keys() -> None:
    entry = _line("request", status=201, request_id="abc", duration_ms=1.5)
    assert entry["msg"] == "request"
    assert (entry["status"], entry["request_id"], entry["duration_ms"]) == (201, "abc", 1.5)
    assert entry["level"] == "info"
    assert str(entry["ts"]).endswith("+00:00")


def test_text_orjson_refuses_still_makes_a_line() -> None:
    assert _line("caf\u00e9 \ud800")["msg"] == "caf\u00e9 \ud800"  # a lone surrogate
    assert str(_line("x", thing=object())["thing"]).startswith("<object")
