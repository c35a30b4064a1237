// A run's loss as an envelope: per pixel column, the min and max of every batch's loss (a
// band, so no spike is hidden) and their mean (a line). Points and the server's buckets
// go through the same binning, so one drawing path serves both streams. Pure: tested in node.

// The rows of a run as buckets: a point is a bucket of one.
export function asBuckets(rows) {
  const c = rows.columns
  if (rows.from === 'seq') {
    return { length: rows.length, first: c.seq, last: c.seq, min: c.loss, max: c.loss, mean: c.loss, acc: c.acc }
  }
  const { length } = rows
  return { length, first: c.first_seq, last: c.last_seq, min: c.loss_min, max: c.loss_max, mean: c.loss_mean, acc: c.acc_mean }
}

// Plain point columns (a run from GET /api/runs/{id}) as buckets.
export function pointBuckets(points) {
  const seq = points?.seq ?? []
  const loss = points?.loss ?? []
  return { length: seq.length, first: seq, last: seq, min: loss, max: loss, mean: loss, acc: points?.acc ?? [] }
}

const usable = Number.isFinite // a diverged loss is null or NaN: left out, never a zero

// Buckets merged into at most `width` bins of equal seq range; only non-empty bins are
// kept. Each bin: x (its last seq), min, max, loss mean and accuracy mean weighted by the
// points each bucket covers. A bin with no finite loss has null loss (a gap).
export function bin(buckets, width) {
  const out = { x: [], min: [], max: [], mean: [], acc: [] }
  const n = buckets.length
  if (!n) return out
  const columns = Math.max(1, Math.floor(width))
  const before = buckets.first[0] - 1
  const span = buckets.last[n - 1] - before
  let column = -1
  let min, max, sum, weight, accSum, accWeight, x
  const flush = () => {
    if (column < 0) return
    out.x.push(x)
    out.min.push(min === Infinity ? null : min)
    out.max.push(max === -Infinity ? null : max)
    out.mean.push(weight ? sum / weight : null)
    out.acc.push(accWeight ? accSum / accWeight : null)
  }
  for (let i = 0; i < n; i++) {
    const last = buckets.last[i]
    const at = n <= columns ? i : Math.min(columns - 1, Math.floor(((last - before - 1) * columns) / span))
    if (at !== column) {
      flush()
      column = at
      min = Infinity
      max = -Infinity
      sum = weight = accSum = accWeight = 0
    }
    const count = last - buckets.first[i] + 1
    if (usable(buckets.min[i])) min = Math.min(min, buckets.min[i])
    if (usable(buckets.max[i])) max = Math.max(max, buckets.max[i])
    if (usable(buckets.mean[i])) {
      sum += buckets.mean[i] * count
      weight += count
    }
    if (usable(buckets.acc[i])) {
      accSum += buckets.acc[i] * count
      accWeight += count
    }
    x = last
  }
  flush()
  return out
}

// uPlot's layout for several binned runs, each on its own x: one sorted x of all of them,
// and in each column `undefined` where that run has no bin (uPlot joins over it) while a
// null loss stays null (a gap). parts: [{ bins, fields: ['max', 'min', ...] }].
export function joinBins(parts) {
  const x = [...new Set(parts.flatMap(({ bins }) => bins.x))].sort((a, b) => a - b)
  const data = [x]
  for (const { bins, fields } of parts) {
    const at = new Map(bins.x.map((value, i) => [value, i]))
    for (const field of fields) {
      const values = bins[field]
      data.push(x.map((value) => (at.has(value) ? values[at.get(value)] : undefined)))
    }
  }
  return data
}

// The MNIST chart's data: [x, loss max, loss min, loss mean, accuracy, earlier run's mean].
export function lossData(rows, earlier, width) {
  const current = rows ? bin(asBuckets(rows), width) : bin({ length: 0 }, width)
  return joinBins([
    { bins: current, fields: ['max', 'min', 'mean', 'acc'] },
    { bins: bin(pointBuckets(earlier), width), fields: ['mean'] },
  ])
}
