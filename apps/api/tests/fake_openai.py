"""A fake OpenAI-compatible server for the LLM assistant's tests: `POST /v1/chat/completions`
answered from a script, on a real local port (in a thread), recording every request.

Script steps, consumed one per request:
- `say(text)`: a final assistant message;
- `call(name, arguments)`, `calls((name, arguments), ...)`: tool calls (arguments as a
  dict, or a raw string to send malformed JSON);
- `fail(status)`: an error response; `hang()`: no answer until the server stops;
- any callable `(request_body) -> step`: decides from what the model was sent (e.g. uses
  the id a previous tool call returned).
Streaming requests get 400: the assistant's `Runner.run` does not stream. An exhausted script
answers 500, so a test that expected fewer round trips fails loudly.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Call:
    calls: tuple[tuple[str, dict[str, Any] | str], ...]


@dataclass(frozen=True)
class Fail:
    status: int


@dataclass(frozen=True)
class Hang:
    pass


Reply = Say | Call | Fail | Hang
Step = Reply | Callable[[dict[str, Any]], Reply]


def say(text: str) -> Say:
    return Say(text)


def call(name: str, arguments: dict[str, Any] | str) -> Call:
    return Call(((name, arguments),))


def calls(*pairs: tuple[str, dict[str, Any] | str]) -> Call:
    """Several tool calls in one response (the model's parallel tool calls)."""
    return Call(pairs)


def fail(status: int = 500) -> Fail:
    return Fail(status)


def hang() -> Hang:
    return Hang()


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text, whether its content is a string or a list of parts."""
    content = message.get("content") or ""
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def tool_results(request: dict[str, Any]) -> list[Any]:
    """The results of the tool calls the model was sent back (parsed JSON), oldest first."""
    return [json.loads(message_text(m)) for m in request["messages"] if m["role"] == "tool"]


@dataclass
class FakeOpenAI:
    script: deque[Step] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, *steps: Step) -> None:
        self.script.extend(steps)

    def _next(self, body: dict[str, Any]) -> Reply | None:
        with self._lock:
            self.requests.append(body)
            step = self.script.popleft() if self.script else None
        return step(body) if callable(step) else step

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        if handler.path.rstrip("/") != "/v1/chat/completions":
            _send(handler, 404, {"error": {"message": f"no route {handler.path}"}})
            return
        length = int(handler.headers.get("content-length") or 0)
        body = json.loads(handler.rfile.read(length))
        if body.get("stream"):
            _send(handler, 400, {"error": {"message": "the fake does not stream"}})
            return
        reply = self._next(body)
        if reply is None:
            _send(handler, 500, {"error": {"message": "fake script exhausted"}})
        elif isinstance(reply, Hang):
            self._stopping.wait(60)
            handler.close_connection = True
        elif isinstance(reply, Fail):
            _send(handler, reply.status, {"error": {"message": "scripted failure"}})
        else:
            _send(handler, 200, _completion(body, reply, len(self.requests)))


def _completion(body: dict[str, Any], reply: Say | Call, n: int) -> dict[str, Any]:
    if isinstance(reply, Say):
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        finish = "stop"
    else:
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{n}_{i}",
                    "type": "function",
                    "function": {
                        "name": name,
                        "arguments": args if isinstance(args, str) else json.dumps(args),
                    },
                }
                for i, (name, args) in enumerate(reply.calls)
            ],
        }
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{n}",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


@contextmanager
def fake_openai() -> Iterator[FakeOpenAI]:
    """A running fake on 127.0.0.1 (a free port); `base_url` ends in /v1."""
    fake = FakeOpenAI()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            try:
                fake.respond(self)
            except Exception as exc:  # a broken script step: say so, don't drop the line
                _send(self, 500, {"error": {"message": f"fake failed: {exc!r}"}})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake._stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
