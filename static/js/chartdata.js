// Shapes growing columns into uPlot's data layout. Pure, so it is tested without a browser.

// uPlot wants x = 1..n and each column padded with null to the longest; NaN (a diverged
// loss) must be null too, a gap in the line rather than a broken scale.
/** @param {number | null | undefined} value */
function clean(value) {
  return value == null || Number.isNaN(value) ? null : value
}

// Keeps uPlot's arrays in step with columns that only grow: each update appends what is
// new (a tick's few points, not the whole run again), and rebuilds only when a column is
// replaced (another run, another overlay: a new `key`) or shrinks.
export class AlignedData {
  /** @param {number} count how many columns besides x */
  constructor(count) {
    /** @type {unknown[]} */
    this.keys = new Array(count).fill(undefined)
    this.filled = new Array(count).fill(0)
    /** @type {(number | null)[][]} */
    this.data = [[], ...this.keys.map(() => [])]
  }

  // columns: [{ key, values }], values an array or a typed array.
  /** @param {{ key: unknown, values: ArrayLike<number | null> }[]} columns */
  update(columns) {
    const replaced = columns.some(({ key, values }, j) => key !== this.keys[j] || values.length < this.filled[j])
    if (replaced) {
      this.keys = columns.map(({ key }) => key)
      this.filled.fill(0)
      this.data = [[], ...columns.map(() => [])]
    }
    let length = 0
    for (const { values } of columns) length = Math.max(length, values.length)
    const x = this.data[0]
    for (let i = x.length; i < length; i++) x.push(i + 1)
    columns.forEach(({ values }, j) => {
      const out = this.data[j + 1]
      for (let i = this.filled[j]; i < values.length; i++) {
        if (i < out.length) out[i] = clean(values[i])
        else out.push(clean(values[i]))
      }
      this.filled[j] = values.length
      for (let i = out.length; i < length; i++) out.push(null)
    })
    return this.data
  }
}

// A race's curves, one per device, each sampled at its own times: uPlot wants one x, so
// the times are merged and each column holds null where its device has no sample.
/** @param {import('./text.js').Race} race */
export function raceData(race) {
  const x = [...new Set(race.devices.flatMap((leg) => leg.curve.t))].sort((a, b) => a - b)
  const columns = race.devices.map((leg) => {
    const at = new Map(leg.curve.t.map((t, i) => [t, leg.curve.samples[i]]))
    return x.map((t) => at.get(t) ?? null)
  })
  return [x, ...columns]
}
