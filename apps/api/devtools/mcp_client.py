"""A minimal MCP client for the API's /mcp endpoint, with the official SDK: lists the tools
and, given a tool name and JSON arguments, calls one. What any MCP client does, in 40 lines.

    python -m devtools.mcp_client --user alice                      # list the tools
    python -m devtools.mcp_client --user alice add_task '{"title": "Try MCP"}'

The token is minted with JWT_SECRET (or the development placeholder), as `todo-api
mint-token` does; `user_id` is filled in from --user when the arguments leave it out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import httpx2 as httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from todo_api.core.config import load_settings
from todo_api.core.security import mint_token


async def run(url: str, token: str, user: str, tool: str | None, arguments: dict[str, Any]) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        if tool is None:
            listed = await client.list_tools()
            return "\n".join(f"{t.name}: {t.description}" for t in listed.tools)
        result = await client.call_tool(tool, {"user_id": user, **arguments})
        text = "\n".join(c.text for c in result.content if c.type == "text")
        return f"error: {text}" if result.is_error else text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8000/mcp")
    parser.add_argument("--user", required=True, help="the user the token is for")
    parser.add_argument("tool", nargs="?", help="a tool to call; omit to list them")
    parser.add_argument("arguments", nargs="?", default="{}", help="JSON object")
    args = parser.parse_args()
    try:
        arguments = json.loads(args.arguments)
    except json.JSONDecodeError as exc:
        parser.error(f"arguments must be a JSON object: {exc}")
    if not isinstance(arguments, dict):
        parser.error('arguments must be a JSON object, e.g. \'{"title": "Buy milk"}\'')
    token = mint_token(args.user, load_settings().token_secret, ttl_seconds=300)
    print(asyncio.run(run(args.url, token, args.user, args.tool, arguments)))


if __name__ == "__main__":
    main()
