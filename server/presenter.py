"""What the presenter did that every viewer sees besides the run: the order of their slide
reports, and their last CPU-vs-GPU race. One per server, made in the lifespan."""

from typing import Any

# Tabs remembered: the presenter's deck, a presenter view, a few reloads.
TABS_KEPT = 16


class SlideOrder:
    """Each tab's newest report applied, so that one overtaken by a newer report from
    the same tab is known stale. Tabs report independently: two synced tabs (a deck and
    its presenter view) both end on the current slide."""

    def __init__(self) -> None:
        self._newest: dict[str, int] = {}  # least recently applied first

    def record(self, tab: str, counter: int) -> bool:
        """Remembers report `counter` of `tab` and answers True when it is the tab's newest;
        False, changing nothing, when a report from the tab with this counter or a higher
        one was."""
        if counter <= self._newest.get(tab, 0):
            return False
        self._newest.pop(tab, None)
        self._newest[tab] = counter
        if len(self._newest) > TABS_KEPT:
            del self._newest[next(iter(self._newest))]
        return True


class Presenter:
    def __init__(self) -> None:
        self.slides = SlideOrder()
        # The last race's result (`POST /api/demo/race`), shown to every viewer; None before.
        self.last_race: dict[str, Any] | None = None
