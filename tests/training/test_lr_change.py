"""A learning rate changed mid-run, in-process: it takes effect at the batch the sink is
told, not before, and the loop copies the weights for the phones at the end."""

from loopcast.training.resident import ResidentData
from tests.training.test_loop import ListSink, run


class LrSink(ListSink):
    """Asks once, at the first tick, for a learning rate so small that training stops."""

    def __init__(self) -> None:
        super().__init__()
        self.changed_at: int | None = None

    def new_lr(self, next_step: int) -> float | None:
        if self.changed_at is not None:
            return None
        self.changed_at = next_step
        return 1e-30


def test_a_new_lr_applies_from_the_batch_it_reports(small_resident: ResidentData) -> None:
    plain, changed = ListSink(), LrSink()
    run(small_resident, plain, epochs=1)
    run(small_resident, changed, epochs=1)
    at = changed.changed_at
    assert at is not None and at >= 2
    losses, changed_losses = plain.column("loss"), changed.column("loss")
    # Batch `at` is the first trained with the new rate: its loss (measured before its
    # update) is the same; the next batch sees the first update made at the new rate.
    assert changed_losses[:at] == losses[:at]
    assert changed_losses[at] != losses[at]
    # The loop's last copy of the weights, taken when the run ended.
    final = changed.copies[-1]
    assert final.final and final.seq == len(losses) and final.epoch == 1
