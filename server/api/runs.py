"""Runs: start, stop, learning rate, history, details and CSV export."""

import csv
import io
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Response, status

from ..data.availability import unavailable_reason
from ..runs import NothingToReplay, RunActive, RunNotActive, RunNotFound
from ..stream.columns import POINT_COLUMNS, Row
from ..stream.run import RunInfo
from ..supervisor import WorkerUnavailable
from ..training.config import TrainConfig
from .deps import (
    CurrentSettings,
    Manager,
    PresenterToken,
    RunId,
    errors,
    worker_unavailable,
)
from .schemas import LrRequest, ReplayRequest, Run, RunDetails, RunList

router = APIRouter(prefix="/api/runs", tags=["runs"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Run,
    dependencies=[PresenterToken],
    responses=errors(400, 401, 409, 503),
)
async def start_run(
    manager: Manager, settings: CurrentSettings, config: TrainConfig | None = None
) -> Row:
    # async, so it runs on the event loop: check-and-start cannot interleave with another click.
    config = config or TrainConfig()
    if (reason := unavailable_reason(settings.data_dir, config.dataset)) is not None:
        # The shape of every other 422 (server/app.py), naming the field and what to install.
        bad = {"loc": ["body", "dataset"], "msg": reason, "type": "dataset_unavailable"}
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [bad])
    try:
        return manager.start_run(config).row()
    except RunActive as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except WorkerUnavailable as error:
        raise worker_unavailable(str(error)) from error


@router.post(
    "/{run_id}/replay",
    status_code=status.HTTP_201_CREATED,
    response_model=Run,
    dependencies=[PresenterToken],
    responses=errors(400, 401, 404, 409),
)
async def replay_run(run_id: RunId, manager: Manager, body: ReplayRequest | None = None) -> Row:
    """A new run that streams this one's points and epochs again, at its recorded pace times
    `speed`, played by the server (no worker needed)."""
    request = body or ReplayRequest()
    try:
        return manager.start_replay(run_id, request.speed, request.name).row()
    except RunActive as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except RunNotFound as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(error)) from error
    except NothingToReplay as error:
        # The shape of every other 422 (server/app.py), naming the run as the bad field.
        bad = {"loc": ["path", "run_id"], "msg": str(error), "type": "value_error"}
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [bad]) from error


@router.post(
    "/{run_id}/stop",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Run,
    dependencies=[PresenterToken],
    responses=errors(401, 409, 503),
)
async def stop_run(run_id: RunId, manager: Manager) -> Row:
    return _on_the_active_run(lambda: manager.stop_run(run_id))


@router.post(
    "/{run_id}/lr",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Run,
    dependencies=[PresenterToken],
    responses=errors(400, 401, 409, 503),
)
async def set_lr(run_id: RunId, body: LrRequest, manager: Manager) -> Row:
    """Train the active run with `lr` from its next batch on; an `lr` message says where."""
    return _on_the_active_run(lambda: manager.set_lr(run_id, body.lr))


def _on_the_active_run(command: Callable[[], RunInfo]) -> Row:
    """A command to the active run: 409 when the run is not active, 503 when the worker
    died a moment ago (its run ends as failed)."""
    try:
        return command().row()
    except RunNotActive as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    except WorkerUnavailable as error:
        raise worker_unavailable(str(error)) from error


@router.get("", response_model=RunList)
def list_runs(manager: Manager) -> dict[str, list[Row]]:
    return {"runs": manager.list_runs()}


def _details(manager: Manager, run_id: int) -> Row:
    run = manager.run_details(run_id)
    if run is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no run {run_id}")
    return run


@router.get("/{run_id}", response_model=RunDetails, responses=errors(404))
def get_run(run_id: RunId, manager: Manager) -> Row:
    return _details(manager, run_id)


@router.get(
    "/{run_id}/metrics.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **errors(404)},
)
def metrics_csv(run_id: RunId, manager: Manager) -> Response:
    points = _details(manager, run_id)["points"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(POINT_COLUMNS)
    writer.writerows(zip(*(points[name] for name in POINT_COLUMNS), strict=True))
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="run-{run_id}.csv"'},
    )
