"""What a run is asked to do: the validated settings of one training run."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

ModelName = Literal["mlp", "cnn"]
OptimizerName = Literal["adam", "sgd"]
DatasetName = Literal["mnist", "fashion-mnist"]
LoaderName = Literal["fast", "classic"]


def _integral_float_to_int(value: Any) -> Any:
    # JSON Schema's "integer" includes 64.0; strict mode alone would refuse it.
    return int(value) if isinstance(value, float) and value.is_integer() else value


JsonInt = Annotated[int, BeforeValidator(_integral_float_to_int)]

MAX_PACE_SECONDS = 600


# 0 (as fast as the device goes) or 1..600 seconds: the schema says so too.
PaceSeconds = Annotated[
    Annotated[int, Field(ge=0, le=0)]
    | Annotated[float, Field(ge=1, le=MAX_PACE_SECONDS, allow_inf_nan=False)],
    BeforeValidator(_integral_float_to_int),
]


class TrainConfig(BaseModel):
    """The body of `POST /api/runs`; every field has the seed deck's default."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    # "mlp" is the seed's Flatten-Linear(784,128)-ReLU-Linear(128,10); "cnn" reaches 99%.
    model: ModelName = "mlp"
    optimizer: OptimizerName = "adam"
    # Learning rate; the seed uses Adam at 0.001.
    lr: float = Field(default=0.001, gt=0, le=10, allow_inf_nan=False)
    batch_size: JsonInt = Field(default=64, ge=1, le=8192)
    epochs: JsonInt = Field(default=3, ge=1, le=50)
    # Same seed, same config, same device: the same loss curve.
    seed: JsonInt = Field(default=0, ge=0, le=2**31 - 1)
    dataset: DatasetName = "mnist"
    # "fast": batches sliced from device-resident tensors; "classic": the seed's DataLoader.
    loader: LoaderName = "fast"
    # Shown to viewers as text only.
    name: str = Field(default="", max_length=80)
    # Stretch the run to last about this many seconds, for an audience (waits between
    # batches, fakes nothing); 0 trains as fast as the device goes.
    pace_s: PaceSeconds = 0
