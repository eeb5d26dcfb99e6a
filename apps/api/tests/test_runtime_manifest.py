"""runtime.json: what the api publishes for the Helm chart's tests, kept current."""

from __future__ import annotations

import re

import pytest

from tests.support import API_ROOT, SECRET, make_settings
from todo_api.core.config import ConfigError, load_settings
from todo_api.runtime_manifest import (
    PROCESS_ENV,
    REQUIRED_IN_PRODUCTION,
    render_runtime_manifest,
    settings_env,
)


def test_committed_runtime_manifest_is_current() -> None:
    committed = (API_ROOT / "runtime.json").read_text()
    assert committed == render_runtime_manifest(make_settings(None)), (
        "apps/api/runtime.json is stale: run `npm run nx -- run api:runtime` and commit it"
    )


def test_every_environment_read_outside_settings_is_listed() -> None:
    # Settings is the one reader of the environment, apart from what PROCESS_ENV names.
    reads = set()
    for file in (API_ROOT / "todo_api").rglob("*.py"):
        pattern = r"os\.(?:environ\.get\(|environ\[|getenv\()\s*[\"']([A-Z_][A-Z0-9_]*)[\"']"
        reads |= set(re.findall(pattern, file.read_text()))
    assert reads - {*PROCESS_ENV, *settings_env()} == set()
    assert set(PROCESS_ENV) <= reads


@pytest.mark.parametrize("name", REQUIRED_IN_PRODUCTION)
def test_production_refuses_to_start_without_each_required_variable(name: str) -> None:
    values: dict[str, object] = {
        "app_env": "production",
        "database_url": "postgresql://u:p@db/todo",
        "jwt_secret": SECRET,
        "better_auth_secret": None,
    }
    values[name.lower()] = None
    with pytest.raises(ConfigError, match=name):
        load_settings(_env_file=None, **values)
