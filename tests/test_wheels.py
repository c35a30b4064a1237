"""support.wheels: what scripts/gpu-check --pack carries to a machine without a network."""

import importlib.metadata as metadata

from support.wheels import closure


def test_the_closure_holds_each_need_in_the_version_installed_here() -> None:
    pins = closure(["fastapi"], "3.12")
    # fastapi's own needs, and theirs in turn (pydantic needs pydantic-core).
    assert {"fastapi", "starlette", "pydantic", "pydantic-core", "anyio"} <= pins.keys()
    assert all(pins[name] == metadata.version(name) for name in pins)


def test_needs_only_an_extra_asks_for_are_left_out() -> None:
    # uvicorn[standard] would add watchfiles; plain uvicorn needs click and h11.
    pins = closure(["uvicorn"], "3.12")
    assert {"uvicorn", "click", "h11"} <= pins.keys()
    assert "watchfiles" not in pins


def test_needs_for_other_pythons_are_left_out() -> None:
    # anyio needs typing_extensions before Python 3.15 only.
    assert "typing-extensions" in closure(["anyio"], "3.12")
    assert "typing-extensions" not in closure(["anyio"], "3.15")
