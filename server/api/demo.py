"""The deck's live panels that ask the worker for one result: a batch, test images, modes,
a profile, a CPU-vs-GPU race."""

import asyncio
from collections import OrderedDict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Response, status

from ..supervisor import DemoFailed, WorkerUnavailable
from ..training.config import DatasetName
from .deps import (
    CurrentPresenter,
    CurrentSettings,
    Manager,
    PresenterToken,
    errors,
    worker_unavailable,
)
from .schemas import Batch, Modes, Profile, Race, TestImages

router = APIRouter(prefix="/api/demo", tags=["demo"])

# Training the Dropout/BatchNorm net once takes a few seconds on a CPU.
DEMO_TIMEOUT = 60.0
# 1 to 64 test indices, each 0..9999, comma-separated.
INDICES = r"^[0-9]{1,4}(,[0-9]{1,4}){0,63}$"
# Test images never change: a browser keeps them, and so does the server (a crowd asks for
# the same mistakes at once: one read by the worker). At most ~67 KB an answer.
TEST_IMAGES_CACHE = "public, max-age=86400, immutable"
TEST_IMAGES_KEPT = 64
_test_images: OrderedDict[tuple[str, str, str], asyncio.Future[dict[str, Any]]] = OrderedDict()


async def _ask(manager: Manager, name: str, args: dict[str, Any]) -> dict[str, Any]:
    try:
        return await manager.ask_worker(name, args, DEMO_TIMEOUT)
    except WorkerUnavailable as error:
        raise worker_unavailable(str(error)) from error
    except TimeoutError as error:
        busy = f"the training worker did not answer within {DEMO_TIMEOUT:g} s"
        raise worker_unavailable(busy) from error
    except DemoFailed as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error


@router.get("/batch", response_model=Batch, responses=errors(409, 503))
async def batch(
    manager: Manager,
    dataset: DatasetName = "mnist",
    index: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    return await _ask(manager, "batch", {"dataset": dataset, "index": index})


@router.get("/test-images", response_model=TestImages, responses=errors(409, 503))
async def test_images(
    manager: Manager,
    settings: CurrentSettings,
    response: Response,
    indices: Annotated[str, Query(pattern=INDICES, description="e.g. 3,17,256: 1 to 64")],
    dataset: DatasetName = "mnist",
) -> dict[str, Any]:
    """Test images by index (the `eval` message's mistakes), as stored, with their labels."""
    key = (str(settings.data_dir), dataset, indices)
    answer = _test_images.get(key)
    if answer is None or (answer.done() and answer.exception() is not None):
        asked = {"dataset": dataset, "indices": [int(index) for index in indices.split(",")]}
        answer = _test_images[key] = asyncio.ensure_future(_ask(manager, "test_images", asked))
        if len(_test_images) > TEST_IMAGES_KEPT:
            _test_images.popitem(last=False)
    result = await asyncio.shield(answer)
    response.headers["Cache-Control"] = TEST_IMAGES_CACHE
    return result


@router.get("/modes", response_model=Modes, responses=errors(409, 503))
async def modes(manager: Manager) -> dict[str, Any]:
    return await _ask(manager, "modes", {})


@router.get("/profile", response_model=Profile, responses=errors(409, 503))
async def profile(manager: Manager) -> dict[str, Any]:
    return await _ask(manager, "profile", {})


@router.post(
    "/race",
    response_model=Race,
    dependencies=[PresenterToken],
    responses=errors(401, 409, 503),
)
async def race(manager: Manager, presenter: CurrentPresenter) -> dict[str, Any]:
    """The same training on the CPU, then on the GPU, a few seconds each; 409 without a GPU.

    The presenter's only: it holds the worker for seconds, so it never runs during a run."""
    if manager.active is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, "a run is training: race after it ends")
    result = await _ask(manager, "race", {})
    presenter.last_race = result
    return result


@router.get("/race", response_model=Race, responses=errors(404))
async def last_race(presenter: CurrentPresenter) -> dict[str, Any]:
    """The presenter's last race, for every viewer; 404 before the first."""
    if presenter.last_race is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no race yet")
    return presenter.last_race
