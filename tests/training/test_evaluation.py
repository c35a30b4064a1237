"""The validation pass's confusion matrix and mistakes, in-process on small generated data."""

import pytest
import torch

from loopcast.training.batches import ResidentBatches
from loopcast.training.evaluation import MOST_MISTAKES, sample_indices
from loopcast.training.loop import evaluate
from loopcast.training.models import build_model
from loopcast.training.resident import ResidentData


def test_evaluate_counts_every_test_image_and_finds_the_sampled_mistakes(
    small_resident: ResidentData,
) -> None:
    torch.manual_seed(0)
    model = build_model("mlp")  # untrained: plenty of mistakes
    scored = evaluate(model, ResidentBatches(small_resident, 64, torch.Generator()))
    test_x, test_y = small_resident.test_x, small_resident.test_y
    with torch.no_grad():
        logits = model(test_x)
    predicted = logits.argmax(1)
    expected = torch.zeros(10, 10, dtype=torch.int64)
    expected.index_put_((test_y, predicted), torch.ones_like(test_y), accumulate=True)
    assert scored.confusion == expected.tolist()
    assert scored.test_images == len(test_y)
    assert scored.accuracy == pytest.approx(float((predicted == test_y).float().mean()))
    loss = torch.nn.functional.cross_entropy(logits, test_y)
    assert scored.loss == pytest.approx(float(loss), rel=1e-5)

    sample = sample_indices(len(test_y)).tolist()
    assert scored.sampled == len(sample)
    wrong = [i for i in sample if predicted[i] != test_y[i]]
    assert [m.index for m in scored.mistakes] == wrong[:MOST_MISTAKES]
    for mistake in scored.mistakes:
        probs = logits[mistake.index].softmax(0)
        assert mistake.label == test_y[mistake.index] != mistake.top3[0][0]
        assert [c for c, _ in mistake.top3] == probs.topk(3).indices.tolist()
        assert [p for _, p in mistake.top3] == [round(p, 2) for p in probs.topk(3).values.tolist()]


def test_the_sample_is_fixed_and_spread_over_the_test_set() -> None:
    first, again = sample_indices(10_000), sample_indices(10_000)
    assert torch.equal(first, again) and len(first) == 512
    assert first.tolist() == sorted(set(first.tolist()))
    assert first[0] < 200 and first[-1] > 9_800
    assert sample_indices(500).tolist() == list(range(500))  # a small test set: all of it
