// Every run's points (or, on an envelope stream, its buckets) as growable typed columns:
// what the charts draw from.

/**
 * @typedef {import('./messages').Message} Message
 * @typedef {import('./messages').RunInfo} RunInfo
 * @typedef {import('./messages').EpochMessage} EpochMessage
 * @typedef {import('./messages').EvalMessage} EvalMessage
 * @typedef {import('./messages').WeightsMessage} WeightsMessage
 * @typedef {import('./messages').LrChange} LrChange
 * @typedef {import('./messages').SlideReport} SlideReport
 * @typedef {import('./messages').SnapshotMessage['server']} ServerStatus
 * @typedef {import('./messages').RunStatus} RunStatus
 * @typedef {'ok' | 'gap' | 'duplicate'} Appended
 * @typedef {Record<string, ArrayLike<number | null> | undefined>} ColumnsIn a message's
 *   columns, by name (points or buckets)
 */

const POINT_COLUMNS = ['seq', 'step', 'epoch', 'loss', 'acc', 't']
export const BUCKET_COLUMNS = ['first_seq', 'last_seq', 'loss_min', 'loss_max', 'loss_mean', 'acc_mean', 't']

// Runs kept besides the current one (for overlays); older ones are dropped.
export const EARLIER_RUNS = 4
export const ENDED = new Set(['finished', 'stopped', 'failed', 'interrupted'])

// Rows that each cover seqs `from`..`to` of a run (a point: seq..seq), held contiguous
// from seq 1: a row that would leave a gap or overlap one held is refused, not hidden.
class Rows {
  /**
   * @param {readonly string[]} names @param {string} from @param {string} to
   * @param {number} capacity
   */
  constructor(names, from, to, capacity) {
    this.names = names
    this.from = from
    this.to = to
    this.length = 0
    /** @type {Record<string, Float64Array>} */
    this.columns = Object.fromEntries(names.map((name) => [name, new Float64Array(capacity)]))
  }

  // The last seq held (0 when empty): a resume asks for what comes after it.
  get last() {
    return this.length ? this.columns[this.to][this.length - 1] : 0
  }

  /** @param {number} needed */
  grow(needed) {
    const capacity = this.columns[this.to].length
    if (needed <= capacity) return
    const size = Math.max(needed, capacity * 2)
    for (const name of this.names) {
      const bigger = new Float64Array(size)
      bigger.set(this.columns[name].subarray(0, this.length))
      this.columns[name] = bigger
    }
  }

  // Appends columns; drops rows already held; 'gap' (nothing appended) when the new rows
  // do not follow on exactly, among themselves or from what is held.
  /** @param {object} message columns to append: a points or buckets message, a snapshot's
   * columns @returns {Appended} */
  append(message) {
    const columns = /** @type {ColumnsIn} */ (message)
    const from = columns[this.from] ?? []
    const to = columns[this.to] ?? []
    let skip = 0
    while (skip < to.length && Number(to[skip]) <= this.last) skip++
    if (skip === to.length) return 'duplicate'
    if (from[skip] !== this.last + 1) return 'gap'
    for (let i = skip + 1; i < to.length; i++) if (from[i] !== Number(to[i - 1]) + 1) return 'gap'
    const count = to.length - skip
    this.grow(this.length + count)
    for (const name of this.names) {
      const values = columns[name] ?? []
      for (let i = 0; i < count; i++) {
        const value = values[skip + i]
        this.columns[name][this.length + i] = value == null ? NaN : value
      }
    }
    this.length += count
    return 'ok'
  }

  /** @param {string} name */
  view(name) {
    return this.columns[name].subarray(0, this.length)
  }
}

// Every point: seq, step, epoch, loss, acc, t.
export class Series extends Rows {
  constructor(capacity = 1024) {
    super(POINT_COLUMNS, 'seq', 'seq', capacity)
  }
}

// Time buckets (`detail=envelope`): each the min, max and mean loss of points
// first_seq..last_seq, their mean accuracy and the time of the last.
export class Buckets extends Rows {
  constructor(capacity = 256) {
    super(BUCKET_COLUMNS, 'first_seq', 'last_seq', capacity)
  }
}

/**
 * What the page knows of one run.
 * @typedef {{ id: number, info: RunInfo | null, status: RunStatus | null,
 *   reason: string | null, epochs: EpochMessage[], series: Series, buckets: Buckets,
 *   weights: WeightsMessage | null, eval: EvalMessage | null, lrChanges: LrChange[] }} Run
 */

export class RunBuffer {
  constructor() {
    /** @type {Map<number, Run>} */
    this.runs = new Map()
    /** @type {number | null} */
    this.current = null
    /** @type {ServerStatus | null} */
    this.server = null
    /** @type {SlideReport | null} */
    this.slide = null
  }

  /** @param {number} id @returns {Run} */
  run(id) {
    if (!this.runs.has(id)) {
      this.runs.set(id, { id, info: null, status: null, reason: null, epochs: [], series: new Series(), buckets: new Buckets(), weights: null, eval: null, lrChanges: [] })
      this.forget()
    }
    return /** @type {Run} */ (this.runs.get(id))
  }

  // Bounds memory in a tab left open all day: the current run and the newest few others.
  forget() {
    const earlier = [...this.runs.keys()].filter((id) => id !== this.current).sort((a, b) => a - b)
    for (const id of earlier.slice(0, Math.max(0, earlier.length - EARLIER_RUNS))) this.runs.delete(id)
  }

  // Applies one stream message; returns 'gap' when the caller must resync.
  /** @param {Message} message @returns {'ok' | 'gap'} */
  apply(message) {
    switch (message.type) {
      case 'snapshot': {
        this.server = message.server
        this.slide = message.slide
        if (message.run == null) return 'ok'
        const fresh = !message.since || !this.runs.has(message.run)
        if (fresh) this.runs.delete(message.run)
        this.current = message.run
        const run = this.run(message.run)
        run.info = message.info
        run.status = message.info?.status ?? null
        run.reason = message.info?.reason ?? null
        run.epochs = [...(message.info?.epochs ?? [])]
        run.lrChanges = [...(message.info?.lr_changes ?? [])]
        run.eval = message.info?.eval ?? run.eval
        const result = message.buckets ? run.buckets.append(message.buckets) : run.series.append(message.points ?? {})
        return result === 'gap' ? 'gap' : 'ok'
      }
      case 'points': {
        const result = this.run(message.run).series.append(message)
        return result === 'gap' ? 'gap' : 'ok'
      }
      case 'buckets': {
        const result = this.run(message.run).buckets.append(message)
        return result === 'gap' ? 'gap' : 'ok'
      }
      case 'epoch': {
        const run = this.run(message.run)
        if (!run.epochs.some((epoch) => epoch.epoch === message.epoch)) run.epochs.push(message)
        return 'ok'
      }
      case 'status': {
        const run = this.run(message.run)
        run.status = message.status
        run.reason = message.reason
        if (run.info) {
          run.info.status = message.status
          // An ended run's times come with its status (a paced run's caption needs them).
          if (message.wall_s != null) run.info.wall_s = message.wall_s
          if (message.unpaced_s != null) run.info.unpaced_s = message.unpaced_s
        }
        return 'ok'
      }
      case 'weights':
        // The newest (the model a phone runs).
        this.run(message.run).weights = message
        return 'ok'
      case 'eval':
        // The newest (the last epoch's mistakes).
        this.run(message.run).eval = message
        return 'ok'
      case 'lr': {
        const changes = this.run(message.run).lrChanges
        if (!changes.some((change) => change.seq === message.seq)) changes.push({ seq: message.seq, lr: message.lr })
        return 'ok'
      }
      case 'slide':
        this.slide = { page: message.page, panel: message.panel }
        return 'ok'
      case 'viewers':
        if (this.server) this.server.viewers = message.count
        return 'ok'
      default:
        return 'ok'
    }
  }

  get active() {
    return this.current == null ? null : this.runs.get(this.current)
  }
}

// The rows a run's charts draw: its buckets on an envelope stream, else its points.
/** @param {{ buckets?: Rows, series: Rows }} run @returns {Rows} */
export function heldRows(run) {
  return run.buckets?.length ? run.buckets : run.series
}

// Training samples per second over the last `window` rows (points or buckets): steps
// (one per seq) times batch size over the time they took.
/** @param {Rows} rows @param {number} batchSize @param {number} [window] */
export function samplesPerSecond(rows, batchSize, window = 50) {
  if (rows.length < 2) return 0
  const end = rows.length - 1
  const start = Math.max(0, end - window)
  const seq = rows.columns[rows.to]
  const { t } = rows.columns
  const dt = t[end] - t[start]
  return dt > 0 ? ((seq[end] - seq[start]) * batchSize) / dt : 0
}
