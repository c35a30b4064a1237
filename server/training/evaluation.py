"""What one pass over the test set tells beyond its loss and accuracy: the confusion matrix,
and the model's mistakes among a fixed sample of test images (the `eval` message).

Everything is counted on the device while the validation pass runs; `Tally.read()` brings
it to the host in one read-back.
"""

from dataclasses import dataclass
from functools import cache

import torch

from ..data.datasets import CLASSES
from .protocol import MOST_MISTAKES, SAMPLE_SIZE

SAMPLE_SEED = 12  # the sample of test images whose mistakes are shown: the same every run
TOP = 3


@dataclass(frozen=True)
class Mistake:
    index: int  # its position in the test set
    label: int
    top3: list[tuple[int, float]]  # (class, probability), likeliest first


@dataclass(frozen=True)
class Evaluation:
    loss: float  # mean cross-entropy over the test set
    accuracy: float
    confusion: list[list[int]]  # confusion[label][predicted]: counts
    mistakes: list[Mistake]  # up to MOST_MISTAKES of the sample, by index
    sampled: int  # how many test images the mistakes were looked for in

    @property
    def test_images(self) -> int:
        return sum(map(sum, self.confusion))


@cache
def sample_indices(test_size: int) -> torch.Tensor:
    """A fixed, seeded choice of test indices, in increasing order (all of a small test set)."""
    chosen = torch.randperm(test_size, generator=torch.Generator().manual_seed(SAMPLE_SEED))
    return chosen[:SAMPLE_SIZE].sort().values


class Tally:
    """A validation pass's sums, kept on the device, one test chunk at a time (in order)."""

    def __init__(self, device: torch.device) -> None:
        self.loss_sum = torch.zeros((), device=device)
        self.confusion = torch.zeros(CLASSES * CLASSES, dtype=torch.int64, device=device)
        self._logits: list[torch.Tensor] = []
        self._labels: list[torch.Tensor] = []

    def add(self, logits: torch.Tensor, labels: torch.Tensor) -> None:
        self.loss_sum += torch.nn.functional.cross_entropy(logits, labels, reduction="sum")
        pairs = labels * CLASSES + logits.argmax(1)
        self.confusion += torch.bincount(pairs, minlength=CLASSES * CLASSES)
        # Kept for the sample's probabilities: 10,000 x 10 floats, 400 KB on the device.
        self._logits.append(logits)
        self._labels.append(labels)

    def read(self) -> Evaluation:
        """Everything to the host in one read-back."""
        logits, labels = torch.cat(self._logits), torch.cat(self._labels)
        indices = sample_indices(labels.shape[0])  # on the host: its order is known here
        on_device = indices.to(logits.device)
        top = logits[on_device].softmax(1).topk(TOP)
        # Sync point: one tensor, one copy; float32 holds every count here (< 2**24) exactly.
        packed = torch.cat(
            [
                self.loss_sum.view(1),
                self.confusion.float(),
                labels[on_device].float(),
                top.indices.flatten().float(),
                top.values.flatten(),
            ]
        ).tolist()
        n = len(indices)
        loss_sum, counts, sample_labels, classes, probs = _split(
            packed, (1, CLASSES * CLASSES, n, n * TOP, n * TOP)
        )
        mistakes: list[Mistake] = []
        class_rows, prob_rows = _rows(classes, TOP), _rows(probs, TOP)
        for row, index in enumerate(indices.tolist()):
            label = int(sample_labels[row])
            pairs = zip(class_rows[row], prob_rows[row], strict=True)
            tops = [(int(cls), round(prob, 2)) for cls, prob in pairs]
            if tops[0][0] != label and len(mistakes) < MOST_MISTAKES:
                mistakes.append(Mistake(index, label, tops))
        confusion = [[int(count) for count in row] for row in _rows(counts, CLASSES)]
        total = labels.shape[0]
        return Evaluation(
            loss=loss_sum[0] / total,
            accuracy=sum(confusion[c][c] for c in range(CLASSES)) / total,
            confusion=confusion,
            mistakes=mistakes,
            sampled=n,
        )


def _split(values: list[float], sizes: tuple[int, ...]) -> list[list[float]]:
    """`values` cut into consecutive parts of these sizes."""
    parts, start = [], 0
    for size in sizes:
        parts.append(values[start : start + size])
        start += size
    return parts


def _rows(values: list[float], width: int) -> list[list[float]]:
    return [values[start : start + width] for start in range(0, len(values), width)]
