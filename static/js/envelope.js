// A run's loss as an envelope: per pixel column, the min and max of every batch's loss (a
// band, so no spike is hidden) and their mean (a line). Points and the server's buckets
// go through the same binning, so one drawing path serves both streams. Pure: tested in node.

import { Smoothed } from './smooth.js'

/**
 * @typedef {ReturnType<typeof import('./points.js').heldRows>} Rows a run's held points or buckets
 * @typedef {Partial<import('./messages').PointColumns>} Points plain point columns
 * @typedef {ArrayLike<number | null>} Column
 * @typedef {{ length: number, first: ArrayLike<number>, last: ArrayLike<number>, min: Column,
 *   max: Column, mean: Column, acc: Column, smoothed?: Column, smoothedAcc?: Column }} BucketColumns
 * @typedef {{ x: number[], [field: string]: (number | null)[] }} Bins
 * @typedef {ReturnType<typeof smoothers>} Smoothers
 */

// The rows of a run as buckets: a point is a bucket of one.
/** @param {Rows} rows @returns {BucketColumns} */
export function asBuckets(rows) {
  const c = rows.columns
  if (rows.from === 'seq') {
    return { length: rows.length, first: c.seq, last: c.seq, min: c.loss, max: c.loss, mean: c.loss, acc: c.acc }
  }
  const { length } = rows
  return { length, first: c.first_seq, last: c.last_seq, min: c.loss_min, max: c.loss_max, mean: c.loss_mean, acc: c.acc_mean }
}

// Plain point columns (a run from GET /api/runs/{id}) as buckets.
/** @param {Points | null | undefined} points @returns {BucketColumns} */
export function pointBuckets(points) {
  const seq = points?.seq ?? []
  const loss = points?.loss ?? []
  return { length: seq.length, first: seq, last: seq, min: loss, max: loss, mean: loss, acc: points?.acc ?? [] }
}

// A diverged loss is null or NaN: left out, never a zero.
/** @type {(value: number | null | undefined) => value is number} */
const usable = (value) => Number.isFinite(value)

// The weighted means a bin keeps, of those columns the buckets have: the loss mean, the
// accuracy mean and their smoothed copies (smooth.js).
/** @type {('mean' | 'acc' | 'smoothed' | 'smoothedAcc')[]} */
const AVERAGED = ['mean', 'acc', 'smoothed', 'smoothedAcc']

// Buckets merged into at most `width` bins of equal seq range; only non-empty bins are
// kept. Each bin: x (its last seq), min, max, and each averaged column's mean weighted by
// the points each bucket covers. A bin with no finite loss has null loss (a gap).
/** @param {BucketColumns} buckets @param {number} width @returns {Bins} */
export function bin(buckets, width) {
  const fields = AVERAGED.filter((name) => buckets[name])
  const out = /** @type {Bins} */ ({ x: [], min: [], max: [], ...Object.fromEntries(fields.map((name) => [name, []])) })
  const n = buckets.length
  if (!n) return out
  const columns = Math.max(1, Math.floor(width))
  const before = buckets.first[0] - 1
  const span = buckets.last[n - 1] - before
  let column = -1
  let min = Infinity
  let max = -Infinity
  let x = 0
  const sums = fields.map(() => 0)
  const weights = fields.map(() => 0)
  const flush = () => {
    if (column < 0) return
    out.x.push(x)
    out.min.push(min === Infinity ? null : min)
    out.max.push(max === -Infinity ? null : max)
    fields.forEach((name, j) => out[name].push(weights[j] ? sums[j] / weights[j] : null))
  }
  for (let i = 0; i < n; i++) {
    const last = buckets.last[i]
    const at = n <= columns ? i : Math.min(columns - 1, Math.floor(((last - before - 1) * columns) / span))
    if (at !== column) {
      flush()
      column = at
      min = Infinity
      max = -Infinity
      sums.fill(0)
      weights.fill(0)
    }
    const count = last - buckets.first[i] + 1
    const low = buckets.min[i]
    const high = buckets.max[i]
    if (usable(low)) min = Math.min(min, low)
    if (usable(high)) max = Math.max(max, high)
    fields.forEach((name, j) => {
      const value = buckets[name]?.[i]
      if (usable(value)) {
        sums[j] += value * count
        weights[j] += count
      }
    })
    x = last
  }
  flush()
  return out
}

// uPlot's layout for several binned runs, each on its own x: one sorted x of all of them,
// and in each column `undefined` where that run has no bin (uPlot joins over it) while a
// null loss stays null (a gap). parts: [{ bins, fields: ['max', 'min', ...] }].
/** @param {{ bins: Bins, fields: string[] }[]} parts */
export function joinBins(parts) {
  const x = [...new Set(parts.flatMap(({ bins }) => bins.x))].sort((a, b) => a - b)
  /** @type {(number | null | undefined)[][]} */
  const data = [x]
  for (const { bins, fields } of parts) {
    const at = new Map(bins.x.map((value, i) => [value, i]))
    for (const field of fields) {
      const values = bins[field]
      data.push(x.map((value) => {
        const i = at.get(value)
        return i === undefined ? undefined : values[i]
      }))
    }
  }
  return data
}

// The smoothed copies of a chart's columns, each kept between frames (smooth.js).
export function smoothers() {
  return { mean: new Smoothed(), acc: new Smoothed(), earlier: new Smoothed() }
}

// Buckets with their loss and accuracy means smoothed at `weight`; `key`: the rows they
// come from (a run's columns: smoothed again only when another run is drawn).
/**
 * @param {BucketColumns} buckets @param {unknown} key @param {number} weight @param {Smoothed} kept
 * @param {Smoothed} [accuracy]
 * @returns {BucketColumns}
 */
function withSmoothed(buckets, key, weight, kept, accuracy) {
  const smoothed = kept.of(key, buckets.mean, weight, buckets.length)
  return accuracy ? { ...buckets, smoothed, smoothedAcc: accuracy.of(key, buckets.acc, weight, buckets.length) } : { ...buckets, smoothed }
}

// The MNIST chart's data: [x, loss max, loss min, raw loss mean, smoothed loss mean,
// smoothed accuracy, earlier run's smoothed mean]. Smoothing runs on the rows (every batch,
// or the envelope's buckets) before binning: the curve a reader sees does not depend on
// the chart's width.
/** @param {Rows | null | undefined} rows @param {Points | null | undefined} earlier @param {number} width */
export function lossData(rows, earlier, width, weight = 0, kept = smoothers()) {
  const none = /** @type {BucketColumns} */ ({ length: 0 }) // bin reads no column of it
  const current = rows ? withSmoothed(asBuckets(rows), rows, weight, kept.mean, kept.acc) : none
  const before = earlier ? withSmoothed(pointBuckets(earlier), earlier, weight, kept.earlier) : none
  return joinBins([
    { bins: bin(current, width), fields: ['max', 'min', 'mean', 'smoothed', 'smoothedAcc'] },
    { bins: bin(before, width), fields: ['smoothed'] },
  ])
}

// The current run's smoothed loss minus the earlier run's at the same seq (the newest the
// current run has and the earlier one reached), from the smoothed columns `lossData` kept.
// Null until both have a finite value there.
/** @param {Rows | null | undefined} rows @param {Points | null | undefined} earlier @param {Smoothers} kept */
export function baselineGap(rows, earlier, kept) {
  const seqs = earlier?.seq ?? []
  if (!rows?.length || !seqs.length) return null
  const current = kept.mean.values
  const last = asBuckets(rows).last
  for (let i = rows.length - 1; i >= 0; i--) {
    const seq = last[i]
    const at = seq - seqs[0] // the earlier run's seqs run on from its first
    const now = current[i]
    if (at >= seqs.length || !usable(now)) continue
    const before = kept.earlier.values[at]
    return usable(before) ? { seq, gap: now - before } : null
  }
  return null
}
