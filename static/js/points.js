// Every run's points as growable typed columns: what the charts draw from.

const COLUMNS = ['seq', 'step', 'epoch', 'loss', 'acc', 't']

// Runs kept besides the current one (for overlays); older ones are dropped.
export const EARLIER_RUNS = 4

export class Series {
  constructor(capacity = 1024) {
    this.length = 0
    this.columns = Object.fromEntries(COLUMNS.map((name) => [name, new Float64Array(capacity)]))
  }

  get last() {
    return this.length ? this.columns.seq[this.length - 1] : 0
  }

  grow(needed) {
    const capacity = this.columns.seq.length
    if (needed <= capacity) return
    const size = Math.max(needed, capacity * 2)
    for (const name of COLUMNS) {
      const bigger = new Float64Array(size)
      bigger.set(this.columns[name].subarray(0, this.length))
      this.columns[name] = bigger
    }
  }

  // Appends columns; drops points already held; reports a gap instead of hiding it.
  append(points) {
    const seq = points.seq ?? []
    let skip = 0
    while (skip < seq.length && seq[skip] <= this.last) skip++
    if (skip === seq.length) return 'duplicate'
    if (seq[skip] !== this.last + 1) return 'gap'
    const count = seq.length - skip
    this.grow(this.length + count)
    for (const name of COLUMNS) {
      const values = points[name]
      for (let i = 0; i < count; i++) {
        const value = values[skip + i]
        this.columns[name][this.length + i] = value == null ? NaN : value
      }
    }
    this.length += count
    return 'ok'
  }

  view(name) {
    return this.columns[name].subarray(0, this.length)
  }
}

export class RunBuffer {
  constructor() {
    this.runs = new Map()
    this.current = null
    this.server = null
    this.slide = null
  }

  run(id) {
    if (!this.runs.has(id)) {
      this.runs.set(id, { id, info: null, status: null, reason: null, epochs: [], series: new Series() })
      this.forget()
    }
    return this.runs.get(id)
  }

  // Bounds memory in a tab left open all day: the current run and the newest few others.
  forget() {
    const earlier = [...this.runs.keys()].filter((id) => id !== this.current).sort((a, b) => a - b)
    for (const id of earlier.slice(0, Math.max(0, earlier.length - EARLIER_RUNS))) this.runs.delete(id)
  }

  // Applies one stream message; returns 'gap' when the caller must resync.
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
        const result = run.series.append(message.points)
        return result === 'gap' ? 'gap' : 'ok'
      }
      case 'points': {
        const result = this.run(message.run).series.append(message)
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
        if (run.info) run.info.status = message.status
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

// Training samples per second over the last `window` points: steps * batch size / time.
export function samplesPerSecond(series, batchSize, window = 50) {
  if (series.length < 2) return 0
  const end = series.length - 1
  const start = Math.max(0, end - window)
  const { step, t } = series.columns
  const dt = t[end] - t[start]
  return dt > 0 ? ((step[end] - step[start]) * batchSize) / dt : 0
}
