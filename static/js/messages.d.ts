// The stream's messages (docs/protocol.md), one interface per kind, as the server types
// them in server/stream/messages.py: tests/stream/test_messages.py checks that each kind
// has the same fields here, in the same order, so the two cannot drift.

export type RunStatus = 'queued' | 'running' | 'finished' | 'stopped' | 'failed' | 'interrupted'
export type Detail = 'full' | 'envelope'

export interface LrChange {
  seq: number
  lr: number
}

/** A run's config (docs/protocol.md, "Run config"). */
export interface RunConfig {
  model: 'mlp' | 'cnn'
  optimizer: 'adam' | 'sgd'
  lr: number
  batch_size: number
  epochs: number
  seed: number
  dataset: 'mnist' | 'fashion-mnist'
  loader: 'fast' | 'classic'
  name: string
  pace_s: number
}

/** The run object (docs/protocol.md, "Run object"): the fields the browser reads. */
export interface RunInfo {
  id: number
  name: string
  status: RunStatus
  reason: string | null
  config: RunConfig
  total_steps: number | null
  steps_per_epoch: number | null
  last_seq?: number
  wall_s?: number | null
  unpaced_s?: number | null
  epochs?: EpochMessage[]
  lr_changes?: LrChange[]
  eval?: EvalMessage | null
  [field: string]: unknown
}

/** Point columns, of equal length (a snapshot's `points`). */
export type PointColumns = Omit<PointsMessage, 'type' | 'run' | 'created'>

/** Bucket columns, of equal length (a snapshot's `buckets`). */
export type BucketColumns = Omit<BucketsMessage, 'type' | 'run' | 'created'>

export interface SlideReport {
  page: number
  panel: string | null
}

export interface SnapshotMessage {
  type: 'snapshot'
  run: number | null
  detail: Detail
  info: RunInfo | null
  since: number
  server: Record<string, unknown> & { viewers?: number }
  slide: SlideReport | null
  points?: PointColumns
  buckets?: BucketColumns
}

export interface PointsMessage {
  type: 'points'
  run: number
  seq: number[]
  step: number[]
  epoch: number[]
  loss: (number | null)[]
  acc: number[]
  t: number[]
  created: number
}

export interface BucketsMessage {
  type: 'buckets'
  run: number
  first_seq: number[]
  last_seq: number[]
  loss_min: (number | null)[]
  loss_max: (number | null)[]
  loss_mean: (number | null)[]
  acc_mean: number[]
  t: number[]
  created: number
}

export interface EpochMessage {
  type: 'epoch'
  run: number
  epoch: number
  train_loss: number | null
  val_loss: number | null
  val_acc: number
  samples_per_s: number
  t: number
  last_seq: number
}

export interface Mistake {
  index: number
  label: number
  top3: [number, number][]
}

export interface EvalMessage {
  type: 'eval'
  run: number
  epoch: number
  test_images: number
  sampled: number
  confusion: number[][]
  mistakes: Mistake[]
  last_seq: number
}

export interface LrMessage {
  type: 'lr'
  run: number
  seq: number
  lr: number
}

export interface Layer {
  name: string
  shape: number[]
  dtype: 'int8' | 'float16' | 'float32'
  scale: number
  data: string
}

export interface WeightsMessage {
  type: 'weights'
  run: number
  seq: number
  epoch: number
  final: boolean
  model: string
  dataset: string
  mean: number
  std: number
  layers: Layer[]
}

export interface StatusMessage {
  type: 'status'
  run: number
  status: RunStatus
  reason: string | null
  wall_s: number | null
  unpaced_s: number | null
}

export interface SlideMessage {
  type: 'slide'
  run: number | null
  page: number
  panel: string | null
}

export interface ViewersMessage {
  type: 'viewers'
  run: number | null
  count: number
}

/** In Redis only (edges): browsers never receive it. */
export interface InfoMessage {
  type: 'info'
  run: number
  info: RunInfo
}

export interface PongMessage {
  type: 'pong'
  run: number | null
}

export interface ErrorMessage {
  type: 'error'
  run: number | null
  detail: string
}

/** What a browser receives on /ws. */
export type Message =
  | SnapshotMessage
  | PointsMessage
  | BucketsMessage
  | EpochMessage
  | EvalMessage
  | LrMessage
  | WeightsMessage
  | StatusMessage
  | SlideMessage
  | ViewersMessage
  | PongMessage
  | ErrorMessage
