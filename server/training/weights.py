"""The model's weights as the `weights` message carries them, for a forward pass on a phone.

Weight matrices and conv kernels go as int8, symmetric per tensor (value = int8 x scale),
biases as float32; every tensor's bytes are zlib-compressed, then base64 (docs/protocol.md).
Measured after one epoch on real MNIST (`python -m bench.insides`, docs/benchmarks.md): the
mlp's message is 107 KB, the cnn's 423 KB, and the dequantised models score within 0.02
points of the float ones on the 10,000 test images.
"""

import base64
import zlib
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

Dtype = Literal["int8", "float16", "float32"]
INT8_MAX = 127


def host_copy(model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's parameters copied to the host, so training can go on while they are sent.
    A host-device sync point on a GPU: the caller names it."""
    state = model.state_dict()
    return {name: tensor.detach().to("cpu", copy=True) for name, tensor in state.items()}


def dtype_for(tensor: torch.Tensor) -> Dtype:
    """int8 for matrices and kernels (nearly all of the bytes), float32 for biases (few, and
    each one shifts a whole unit)."""
    return "int8" if tensor.ndim >= 2 else "float32"


def quantise(tensor: torch.Tensor, dtype: Dtype) -> tuple[npt.NDArray[Any], float]:
    """The values to store, and the scale that turns them back into the tensor's values."""
    # numpy on the host copy: torch's thread pool made this 50x slower on a busy CPU
    # (measured: 50 ms against 1 ms for the cnn's largest matrix).
    values = tensor.float().numpy()
    if dtype != "int8":
        return values.astype(dtype), 1.0
    largest = float(np.abs(values).max()) if values.size else 0.0
    scale = largest / INT8_MAX if largest > 0 else 1.0
    return np.clip(np.rint(values / scale), -INT8_MAX, INT8_MAX).astype(np.int8), scale


def encode_layer(name: str, tensor: torch.Tensor) -> dict[str, Any]:
    dtype = dtype_for(tensor)
    values, scale = quantise(tensor, dtype)
    raw = values.astype(values.dtype.newbyteorder("<"), copy=False).tobytes()
    return {
        "name": name,
        "shape": list(tensor.shape),
        "dtype": dtype,
        "scale": scale,
        "data": base64.b64encode(zlib.compress(raw)).decode("ascii"),
    }


def encode_layers(state: dict[str, torch.Tensor]) -> list[dict[str, Any]]:
    """A `weights` message's `layers`, in the state dict's order."""
    return [encode_layer(name, tensor) for name, tensor in state.items()]


def decode_layer(layer: dict[str, Any]) -> npt.NDArray[np.float32]:
    """A layer's values as a reader gets them (what a phone computes with)."""
    raw = zlib.decompress(base64.b64decode(layer["data"]))
    stored = np.frombuffer(raw, dtype=np.dtype(layer["dtype"]).newbyteorder("<"))
    values = stored.astype(np.float32) * np.float32(layer["scale"])
    return values.reshape(layer["shape"])
