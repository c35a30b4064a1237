"""What an edge asks the trainer over HTTP: the read-only answers it does not hold
(run history, demos), each fetched at most once a second however many viewers ask, and
a run that Redis lost."""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

# A crowd's identical GETs within this long share one request to the trainer.
FRESH_SECONDS = 1.0
TIMEOUT_SECONDS = 10.0
ANSWERS_KEPT = 256


# The trainer's headers an answer keeps (a CSV's file name, the 503's Retry-After).
KEPT_HEADERS = ("content-type", "content-disposition", "retry-after")


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    expires: float


class Trainer:
    def __init__(self, url: str, presenter_url: str) -> None:
        self._given = (url, presenter_url)  # to this edge; else `learn` takes the trainer's
        self.url = url  # where this edge reaches it
        self.presenter_url = presenter_url  # where a browser does, where that differs
        self._client = httpx.AsyncClient(timeout=TIMEOUT_SECONDS)
        self._answers: dict[str, asyncio.Future[Answer]] = {}

    def learn(self, status: dict[str, Any]) -> None:
        """The URLs the trainer publishes with its status, where this edge was given none."""
        url, presenter_url = self._given
        self.url = url or str(status.get("url", ""))
        self.presenter_url = presenter_url or str(status.get("presenter_url", ""))

    @property
    def public_url(self) -> str:
        """The URL to name to a presenter's browser."""
        return self.presenter_url or self.url

    async def get(self, path: str) -> Answer:
        """The trainer's answer to GET `path` (with its query), shared for a second."""
        task = self._answers.get(path)
        if task is None or _stale(task):
            if len(self._answers) >= ANSWERS_KEPT:  # any query string is a new path
                self._answers = {p: t for p, t in self._answers.items() if not _stale(t)}
            task = self._answers[path] = asyncio.ensure_future(self._fetch(path))
        # Shielded: a viewer that goes away does not cancel the others' answer.
        return await asyncio.shield(task)

    async def _fetch(self, path: str) -> Answer:
        response = await self._client.get(f"{self.url}{path}")
        headers = {
            name: response.headers[name] for name in KEPT_HEADERS if name in response.headers
        }
        expires = time.monotonic() + FRESH_SECONDS
        return Answer(response.status_code, response.content, headers, expires)

    async def run(self, run_id: int) -> dict[str, Any] | None:
        """A run with its points and epochs, or None if the trainer has no such run."""
        response = await self._client.get(f"{self.url}/api/runs/{run_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        details: dict[str, Any] = response.json()
        return details

    async def newest_run(self) -> int | None:
        response = await self._client.get(f"{self.url}/api/runs")
        response.raise_for_status()
        runs = response.json()["runs"]
        return int(runs[0]["id"]) if runs else None

    async def close(self) -> None:
        await self._client.aclose()


def _stale(task: "asyncio.Future[Answer]") -> bool:
    if not task.done():
        return False
    return (
        task.cancelled() or task.exception() is not None or task.result().expires < time.monotonic()
    )
