"""Property-based run of the OpenAPI document (schemathesis) against the real server:
generated requests of every shape, valid and invalid, and not one 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import ServerProcess, auth, new_user, run_server, server_env
from todo_api.core.config import Settings

EXAMPLES_PER_OPERATION = 60


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("fuzz") / "server.log"
    with run_server(server_env(settings), log) as running:
        yield running


def test_no_server_errors_and_responses_match_the_schema(server: ServerProcess) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    user = new_user()
    headers = auth(user, ttl=3600)
    # Seed tasks so that generated ids sometimes hit a real one.
    for i in range(3):
        httpx.post(
            f"{server.base_url}/api/{user}/tasks", json={"title": f"seed {i}"}, headers=headers
        )

    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 8
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            if case.path_parameters and "user_id" in case.path_parameters:
                case.path_parameters["user_id"] = user  # reach past auth into the handlers
            case.call_and_validate(
                base_url=server.base_url,
                headers=headers,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
            )

        check()
