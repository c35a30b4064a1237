"""support.virtualtime: the loop the hub's timing tests run on."""

import asyncio
import time

from support.virtualtime import run


def test_sleeps_take_virtual_time_not_wall_time() -> None:
    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(3600)
        return loop.time() - started

    wall = time.monotonic()
    assert run(scenario()) == 3600
    assert time.monotonic() - wall < 5


def test_timers_fire_in_their_order_at_their_times() -> None:
    async def scenario() -> list[tuple[str, float]]:
        loop = asyncio.get_running_loop()
        fired: list[tuple[str, float]] = []
        loop.call_later(1.0, lambda: fired.append(("timer", loop.time())))
        await asyncio.sleep(0.999)
        fired.append(("sleeper", loop.time()))
        await asyncio.sleep(0.002)
        return fired

    assert run(scenario()) == [("sleeper", 0.999), ("timer", 1.0)]


def test_time_stands_still_while_work_is_ready() -> None:
    async def busy() -> None:
        for _ in range(1000):
            await asyncio.sleep(0)

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(busy(), busy())
        return loop.time() - started

    assert run(scenario()) == 0
