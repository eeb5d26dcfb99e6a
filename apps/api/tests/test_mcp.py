"""The MCP server at /mcp, through the MCP SDK's own client over real HTTP, against a
real server process: the five tools and their schemas, their effect on the database (read
back through the REST API), errors as tool results, bearer tokens, and user isolation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2 as httpx
import pytest
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp_types import CallToolResult

from tests.support import SECRET, ServerProcess, auth, new_user, run_server, server_env
from todo_api.assistant.tools import TOOL_NAMES, TOOL_SPECS
from todo_api.core.config import Settings
from todo_api.core.security import mint_token

pytestmark = pytest.mark.anyio
MISSING_ID = 2**31 - 1


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("mcp") / "server.log"
    with run_server(server_env(settings), log) as process:
        yield process


@asynccontextmanager
async def connect(
    server: ServerProcess, user: str, mode: str = "auto", headers: dict[str, str] | None = None
) -> AsyncIterator[Client]:
    """The SDK's client on /mcp, with `user`'s bearer token. mode "auto" speaks the
    newest protocol (stateless requests); "legacy" does the initialize handshake."""
    async with httpx.AsyncClient(
        headers=auth(user) if headers is None else headers, timeout=30
    ) as http:
        transport = streamable_http_client(f"{server.base_url}/mcp", http_client=http)
        async with Client(transport, mode=mode) as client:
            yield client


def data(result: CallToolResult) -> Any:
    """The tool's JSON (as a model reads it), checked against the structured content."""
    [content] = result.content
    assert content.type == "text"
    value = json.loads(content.text)
    expected = value if isinstance(value, dict) else {"result": value}
    assert result.structured_content == expected
    return value


def rest(server: ServerProcess, user: str, path: str = "") -> httpx.Response:
    return httpx.get(f"{server.base_url}/api/{user}/tasks{path}", headers=auth(user))


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_lists_the_five_tools_with_their_schemas(server: ServerProcess, mode: str) -> None:
    async with connect(server, new_user(), mode) as client:
        listed = await client.list_tools()
    tools = {tool.name: tool for tool in listed.tools}
    assert sorted(tools) == sorted(TOOL_NAMES)
    for name, tool in tools.items():
        spec = TOOL_SPECS[name]  # type: ignore[index]
        assert tool.description == spec.description
        schema = tool.input_schema
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False
        assert schema["required"][0] == "user_id"
        assert schema["properties"]["user_id"]["type"] == "string"
        assert set(schema["properties"]) == {"user_id", *spec.args.model_fields}
    assert tools["add_task"].input_schema["required"] == ["user_id", "title"]
    assert tools["list_tasks"].input_schema["properties"]["status"]["enum"] == [
        "all",
        "pending",
        "completed",
    ]
    assert tools["update_task"].input_schema["required"] == ["user_id", "task_id"]
    assert tools["list_tasks"].annotations is not None
    assert tools["list_tasks"].annotations.read_only_hint is True


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_each_tool_acts_on_the_database(server: ServerProcess, mode: str) -> None:
    user = new_user()
    async with connect(server, user, mode) as client:
        added = data(await client.call_tool("add_task", {"user_id": user, "title": " Buy milk "}))
        tid = added["task_id"]
        assert added == {"task_id": tid, "status": "created", "title": "Buy milk"}
        other = data(
            await client.call_tool(
                "add_task", {"user_id": user, "title": "Call mom", "description": "Sunday"}
            )
        )
        assert rest(server, user, f"/{other['task_id']}").json()["description"] == "Sunday"

        done = data(await client.call_tool("complete_task", {"user_id": user, "task_id": tid}))
        assert done == {"task_id": tid, "status": "completed", "title": "Buy milk"}
        assert rest(server, user, f"/{tid}").json()["completed"] is True

        listed = data(await client.call_tool("list_tasks", {"user_id": user}))
        assert listed == [
            {"id": tid, "title": "Buy milk", "completed": True},
            {"id": other["task_id"], "title": "Call mom", "completed": False},
        ]
        pending = data(await client.call_tool("list_tasks", {"user_id": user, "status": "pending"}))
        assert [t["id"] for t in pending] == [other["task_id"]]

        updated = data(
            await client.call_tool(
                "update_task", {"user_id": user, "task_id": tid, "title": "Buy oat milk"}
            )
        )
        assert updated == {"task_id": tid, "status": "updated", "title": "Buy oat milk"}
        assert rest(server, user, f"/{tid}").json()["title"] == "Buy oat milk"

        deleted = data(await client.call_tool("delete_task", {"user_id": user, "task_id": tid}))
        assert deleted == {"task_id": tid, "status": "deleted", "title": "Buy oat milk"}
        assert rest(server, user, f"/{tid}").status_code == 404
    assert [t["title"] for t in rest(server, user).json()] == ["Call mom"]


async def test_mistakes_are_tool_errors(server: ServerProcess) -> None:
    user = new_user()
    async with connect(server, user) as client:
        for name in ("complete_task", "delete_task", "update_task"):
            arguments: dict[str, Any] = {"user_id": user, "task_id": MISSING_ID}
            if name == "update_task":
                arguments["title"] = "Anything"
            result = await client.call_tool(name, arguments)
            assert result.is_error
            assert data(result)["error"] == "not_found"

        mistakes: list[tuple[str, dict[str, Any], str]] = [
            ("add_task", {"title": ""}, "title"),
            ("add_task", {"title": "x" * 201}, "title"),
            ("add_task", {}, "title"),
            ("add_task", {"title": "ok", "colour": "red"}, "colour"),
            ("complete_task", {"task_id": "three"}, "task_id"),
            ("delete_task", {"task_id": 0}, "task_id"),
            ("list_tasks", {"status": "done"}, "status"),
        ]
        for name, arguments, field in mistakes:
            result = await client.call_tool(name, {"user_id": user, **arguments})
            assert result.is_error, (name, arguments)
            error = data(result)
            assert error["error"] == "invalid_argument"
            assert error["field"] == field
            assert field in error["message"]

        missing = await client.call_tool("add_task", {"title": "no user"})
        assert missing.is_error and data(missing)["field"] == "user_id"
        unknown = await client.call_tool("drop_tasks", {"user_id": user})
        assert unknown.is_error
    assert rest(server, user).json() == []


async def test_requests_without_a_valid_token_get_401(server: ServerProcess) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    user = new_user()
    for headers in (
        {},
        {"Authorization": "Basic dXNlcjpwdw=="},
        auth(user, secret="not-the-server-secret-but-long-enough-0123456789"),
        auth(user, ttl=-3600),
    ):
        response = httpx.post(f"{server.base_url}/mcp", json=body, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"]

    # The SDK's client, without a token, fails to connect (a 401 is an error response).
    with pytest.raises(ExceptionGroup) as caught:
        async with connect(server, user, headers={}) as client:
            await client.list_tools()
    assert caught.group_contains(MCPError, depth=None)


async def test_another_users_id_is_refused(server: ServerProcess) -> None:
    alice, bob = new_user(), new_user()
    async with connect(server, bob) as client:
        bobs = data(await client.call_tool("add_task", {"user_id": bob, "title": "Bob's"}))
    async with connect(server, alice) as client:
        for name, arguments in [
            ("add_task", {"title": "planted"}),
            ("list_tasks", {}),
            ("complete_task", {"task_id": bobs["task_id"]}),
            ("update_task", {"task_id": bobs["task_id"], "title": "hacked"}),
            ("delete_task", {"task_id": bobs["task_id"]}),
        ]:
            result = await client.call_tool(name, {"user_id": bob, **arguments})
            assert result.is_error
            error = data(result)
            assert error["error"] == "forbidden"
            assert "user_id" in error["message"]
    assert [(t["title"], t["completed"]) for t in rest(server, bob).json()] == [("Bob's", False)]
    assert rest(server, alice).json() == []


async def test_users_do_not_see_each_others_tasks(server: ServerProcess) -> None:
    alice, bob = new_user(), new_user()
    async with connect(server, bob) as client:
        bobs = data(await client.call_tool("add_task", {"user_id": bob, "title": "Bob's"}))
    async with connect(server, alice) as client:
        mine = data(await client.call_tool("add_task", {"user_id": alice, "title": "Alice's"}))
        listed = data(await client.call_tool("list_tasks", {"user_id": alice}))
        assert listed == [{"id": mine["task_id"], "title": "Alice's", "completed": False}]
        for name in ("complete_task", "delete_task"):
            result = await client.call_tool(name, {"user_id": alice, "task_id": bobs["task_id"]})
            assert data(result)["error"] == "not_found"
    assert [t["title"] for t in rest(server, bob).json()] == ["Bob's"]


def test_any_host_name_serves_and_no_session_is_kept(server: ServerProcess) -> None:
    """Reached by a Kubernetes service name (and from a browser origin): the SDK's
    DNS-rebinding allow-list is off, the token is what protects /mcp. Stateless: no
    session id is handed out, and a plain request needs no handshake first."""
    user = new_user()
    response = httpx.post(
        f"{server.base_url}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={
            **auth(user),
            "Host": "todo-api.todo.svc.cluster.local:8000",
            "Origin": "http://todo-web.todo.svc.cluster.local:3000",
            "Accept": "application/json, text/event-stream",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers
    names = [tool["name"] for tool in response.json()["result"]["tools"]]
    assert sorted(names) == sorted(TOOL_NAMES)


async def test_the_example_client_in_devtools_works(server: ServerProcess) -> None:
    from devtools.mcp_client import run

    user = new_user()
    token = mint_token(user, SECRET)
    url = f"{server.base_url}/mcp"
    listing = await run(url, token, user, None, {})
    assert [line.split(":")[0] for line in listing.splitlines()] == list(TOOL_NAMES)
    added = json.loads(await run(url, token, user, "add_task", {"title": "Try MCP"}))
    assert added["status"] == "created"
    missing = await run(url, token, user, "delete_task", {"task_id": MISSING_ID})
    assert missing.startswith("error: ")
