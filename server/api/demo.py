"""The deck's live panels that ask the worker for one result: a batch, modes, a profile,
a CPU-vs-GPU race."""

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, status

from server.api.deps import Manager, errors
from server.supervisor import DemoFailed, WorkerUnavailable
from server.training.config import DatasetName

router = APIRouter(prefix="/api/demo", tags=["demo"])

# Training the Dropout/BatchNorm net once takes a few seconds on a CPU.
DEMO_TIMEOUT = 60.0


async def _ask(manager: Manager, name: str, args: dict[str, Any]) -> dict[str, Any]:
    try:
        return await manager.supervisor.request(name, args, DEMO_TIMEOUT)
    except (WorkerUnavailable, TimeoutError) as error:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(error)) from error
    except DemoFailed as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error


@router.get("/batch", responses=errors(409, 503))
async def batch(
    manager: Manager,
    dataset: DatasetName = "mnist",
    index: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return await _ask(manager, "batch", {"dataset": dataset, "index": index})


@router.get("/modes", responses=errors(409, 503))
async def modes(manager: Manager) -> dict[str, Any]:
    return await _ask(manager, "modes", {})


@router.get("/profile", responses=errors(409, 503))
async def profile(manager: Manager) -> dict[str, Any]:
    return await _ask(manager, "profile", {})


@router.get("/race", responses=errors(409, 503))
async def race(manager: Manager) -> dict[str, Any]:
    """The same training on the CPU, then on the GPU, a few seconds each; 409 without a GPU."""
    return await _ask(manager, "race", {})
