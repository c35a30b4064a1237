"""`/openapi.json` documents every JSON answer (the fuzzers check answers against it)."""

from typing import Any

import pytest

from loopcast.app import create_app
from loopcast.config import Settings
from tests.test_api_runs import RUN_FIELDS


@pytest.fixture(scope="module")
def openapi(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("openapi")
    app = create_app(Settings(token="t" * 16, db=folder / "runs.db", data_dir=folder))
    return app.openapi()


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref: str | None = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = openapi["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return resolved


def test_every_json_answer_has_a_schema(openapi: dict[str, Any]) -> None:
    answers = 0
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                content = response.get("content", {})
                if not code.startswith("2") or "application/json" not in content:
                    continue
                schema = resolve(openapi, content["application/json"].get("schema", {}))
                assert schema.get("properties"), f"{method.upper()} {path} {code}: {schema}"
                answers += 1
    # runs 6 (list, start, replay, stop, lr, details), health, status, datasets and slide 4,
    # demo 6 (race twice)
    assert answers == 16


def test_run_schemas_have_what_the_browser_reads(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert set(schemas["RunSummary"]["properties"]) == RUN_FIELDS
    run_fields = RUN_FIELDS | {"epochs", "lr_changes", "eval"}
    assert set(schemas["Run"]["properties"]) == run_fields
    assert set(schemas["RunDetails"]["properties"]) == run_fields | {"points"}
    statuses = schemas["Run"]["properties"]["status"]["enum"]
    assert statuses == ["queued", "running", "finished", "stopped", "failed", "interrupted"]


def test_train_config_is_one_component(openapi: dict[str, Any]) -> None:
    """The Train form reads TrainConfig's defaults and limits; a run's `config` refers to it
    rather than splitting it into TrainConfig-Input and -Output."""
    schemas = openapi["components"]["schemas"]
    assert "TrainConfig" in schemas
    assert not [name for name in schemas if name.startswith("TrainConfig-")]
    config = schemas["Run"]["properties"]["config"]
    assert config["allOf"] == [{"$ref": "#/components/schemas/TrainConfig"}]
