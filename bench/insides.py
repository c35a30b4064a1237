"""Looking inside the model (issue 12): the bytes of a `weights` message (mlp, cnn) and of an
`eval` message as a viewer receives them, and how a model rebuilt from the published int8
weights scores on the test images against the epoch's own `val_acc` (target: within one
point); plus the worker's cost of one copy (quantise, zlib, base64) on this CPU.

A real server trains each model for one epoch (real MNIST unless --quick); a full-detail
viewer records every message as sent.
Run: .venv/bin/python -m bench.insides [--quick] [--json PATH]
"""

import base64
import json
import time
from pathlib import Path
from typing import Any

import torch

from bench.common import data_dir, median, parser, report
from bench.crowd import start_server
from loopcast.data.datasets import NORMALIZATION, load_split
from loopcast.training.config import ModelName
from loopcast.training.models import build_model
from loopcast.training.weights import decode_layer, encode_layers, host_copy
from support.live import LiveServer

MODELS: tuple[ModelName, ...] = ("mlp", "cnn")
ENCODES = 5  # copies timed per model (the worker makes one every 2 s)
ITEM_BYTES = {"int8": 1, "float16": 2, "float32": 4}


def one_epoch(live: LiveServer, model: ModelName) -> list[tuple[int, dict[str, Any]]]:
    """Every message of a one-epoch run, with its size in bytes as sent."""
    received: list[tuple[int, dict[str, Any]]] = []
    with live.viewer() as viewer:
        viewer.conn.recv(timeout=30)  # the snapshot
        live.start_run(model=model, epochs=1)
        while True:
            text = viewer.conn.recv(timeout=900)
            assert isinstance(text, str)
            message = json.loads(text)
            received.append((len(text.encode()), message))
            if message["type"] == "status" and message["status"] != "running":
                return received


def dequantised_accuracy(message: dict[str, Any], folder: Path) -> float:
    """The model rebuilt from the message's weights, scored on every test image."""
    model = build_model(message["model"])
    state = {layer["name"]: torch.from_numpy(decode_layer(layer)) for layer in message["layers"]}
    model.load_state_dict(state)
    model.eval()
    images, labels = load_split(folder, message["dataset"], train=False)
    mean, std = NORMALIZATION[message["dataset"]]
    with torch.no_grad():
        x = (images.unsqueeze(1).float() / 255 - mean) / std
        predicted = torch.cat([model(x[i : i + 1000]).argmax(1) for i in range(0, len(x), 1000)])
    return float((predicted == labels).float().mean())


def encode_ms(model: ModelName) -> float:
    """Milliseconds the worker spends on one copy of the weights (host copy and encoding):
    the median of ENCODES, after one that warms up."""
    net = build_model(model)
    times = []
    for _ in range(ENCODES + 1):
        started = time.perf_counter()
        encode_layers(host_copy(net))
        times.append(time.perf_counter() - started)
    return round(median(times[1:]) * 1000, 1)


def measure(live: LiveServer, folder: Path, model: ModelName) -> dict[str, Any]:
    received = one_epoch(live, model)
    weights = [(size, m) for size, m in received if m["type"] == "weights"]
    evals = [(size, m) for size, m in received if m["type"] == "eval"]
    epoch = next(m for _, m in received if m["type"] == "epoch")
    final_size, final = weights[-1]
    accuracy = dequantised_accuracy(final, folder)
    return {
        "model": model,
        "weights_bytes": final_size,
        "weights_messages": len(weights),
        "layers": {layer["name"]: layer["dtype"] for layer in final["layers"]},
        # The tensors' bytes as stored (int8, float32), and after zlib, before base64.
        "stored_bytes": sum(
            decode_layer(layer).size * ITEM_BYTES[layer["dtype"]] for layer in final["layers"]
        ),
        "zlib_bytes": sum(len(base64.b64decode(layer["data"])) for layer in final["layers"]),
        "eval_bytes": evals[-1][0],
        "mistakes": len(evals[-1][1]["mistakes"]),
        "val_acc": epoch["val_acc"],
        "dequantised_acc": round(accuracy, 4),
        "points_lost": round(abs(accuracy - epoch["val_acc"]) * 100, 2),
        "encode_ms": encode_ms(model),
    }


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    folder = data_dir(args)
    live = start_server(folder)
    try:
        models = [measure(live, folder, model) for model in MODELS]
    finally:
        live.stop()
    for row in models:
        print(
            f"{row['model']}: weights {row['weights_bytes']:,} B, eval {row['eval_bytes']:,} B "
            f"({row['mistakes']} mistakes), val_acc {row['val_acc']:.4f}, dequantised "
            f"{row['dequantised_acc']:.4f}, encode {row['encode_ms']} ms"
        )
    report(args, "insides", {"models": models})


if __name__ == "__main__":
    main()
