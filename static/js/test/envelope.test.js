import assert from 'node:assert/strict'
import { test } from 'node:test'
import { asBuckets, baselineGap, bin, joinBins, lossData, pointBuckets, smoothers } from '../envelope.js'
import { Buckets, Series } from '../points.js'
import { smooth } from '../smooth.js'

/** @param {(number | null)[]} loss */
function points(loss) {
  const seq = loss.map((_, i) => i + 1)
  return { seq, step: seq, epoch: seq.map(() => 1), loss, acc: loss.map(() => 0.5), t: seq.map((s) => s / 10) }
}

test('fewer points than pixel columns: each point is its own bin, min = max = mean', () => {
  const series = new Series()
  series.append(points([2, 1.5, 1]))
  const bins = bin(asBuckets(series), 400)
  assert.deepEqual(bins.x, [1, 2, 3])
  assert.deepEqual(bins.min, [2, 1.5, 1])
  assert.deepEqual(bins.max, [2, 1.5, 1])
  assert.deepEqual(bins.mean, [2, 1.5, 1])
  assert.deepEqual(bins.acc, [0.5, 0.5, 0.5])
})

test('more points than pixel columns: binned per column, a one-batch spike stays in the max', () => {
  const loss = Array.from({ length: 10_000 }, () => 0.3)
  loss[7_777] = 9
  const series = new Series()
  series.append(points(loss))
  const bins = bin(asBuckets(series), 100)
  assert.equal(bins.x.length, 100)
  assert.equal(bins.x.at(-1), 10_000)
  assert.equal(Math.max(.../** @type {number[]} */ (bins.max)), 9)
  assert.equal(Math.min(.../** @type {number[]} */ (bins.min)), 0.3)
  const spike = bins.max.indexOf(9)
  assert.ok(Math.abs(Number(bins.mean[spike]) - (0.3 * 99 + 9) / 100) < 1e-9)
  assert.equal(bins.x[spike], 7_800)
})

test('buckets bin like points: min of mins, max of maxes, means weighted by points covered', () => {
  const store = new Buckets()
  store.append({
    first_seq: [1, 2, 5],
    last_seq: [1, 4, 8],
    loss_min: [1, 0.5, 0.2],
    loss_max: [1, 3, 0.4],
    loss_mean: [1, 2, 0.3],
    acc_mean: [0.1, 0.4, 0.9],
    t: [0.1, 0.4, 0.8],
  })
  assert.deepEqual(bin(asBuckets(store), 10).x, [1, 4, 8]) // fewer buckets than columns: as they are
  const one = bin(asBuckets(store), 1)
  assert.deepEqual(one.x, [8])
  assert.deepEqual([one.min[0], one.max[0]], [0.2, 3])
  assert.ok(Math.abs(Number(one.mean[0]) - (1 + 2 * 3 + 0.3 * 4) / 8) < 1e-12)
  assert.ok(Math.abs(Number(one.acc[0]) - (0.1 + 0.4 * 3 + 0.9 * 4) / 8) < 1e-12)
})

test('a diverged loss (null, NaN) is left out of its bin; a bin of only those is a gap', () => {
  const series = new Series()
  series.append(points([1, null, null, null, 3, null]))
  const bins = bin(asBuckets(series), 3)
  assert.deepEqual(bins.x, [2, 4, 6])
  assert.deepEqual(bins.min, [1, null, 3])
  assert.deepEqual(bins.max, [1, null, 3])
  assert.deepEqual(bins.mean, [1, null, 3])
})

test('no rows, no bins', () => {
  assert.deepEqual(bin(asBuckets(new Buckets()), 300), { x: [], min: [], max: [], mean: [], acc: [] })
  assert.deepEqual(lossData(null, null, 300), [[], [], [], [], [], [], []])
})

test('runs on different x are joined: undefined where a run has no bin, null stays a gap', () => {
  const data = joinBins([
    { bins: { x: [2, 4], mean: [1, null] }, fields: ['mean'] },
    { bins: { x: [1, 2, 3], mean: [5, 6, 7] }, fields: ['mean'] },
  ])
  assert.deepEqual(data, [
    [1, 2, 3, 4],
    [undefined, 1, undefined, null],
    [5, 6, 7, undefined],
  ])
})

test('the chart data: band edges, mean, accuracy, and an earlier run from the API', () => {
  const store = new Buckets()
  store.append({ first_seq: [1, 3], last_seq: [2, 4], loss_min: [1, 0.5], loss_max: [2, 0.9], loss_mean: [1.5, 0.7], acc_mean: [0.2, 0.6], t: [1, 2] })
  const earlier = pointBuckets({ seq: [1, 2, 3], loss: [3, 2, 1], acc: [0, 0, 0] })
  assert.equal(earlier.length, 3)
  const [x, max, min, mean, smoothed, acc, before] = lossData(store, { seq: [1, 2, 3], loss: [3, 2, 1] }, 500)
  assert.deepEqual(x, [1, 2, 3, 4])
  assert.deepEqual(max, [undefined, 2, undefined, 0.9])
  assert.deepEqual(min, [undefined, 1, undefined, 0.5])
  assert.deepEqual(mean, [undefined, 1.5, undefined, 0.7])
  assert.deepEqual(smoothed, mean) // weight 0: no smoothing
  assert.deepEqual(acc, [undefined, 0.2, undefined, 0.6])
  assert.deepEqual(before, [3, 2, 1, undefined])
})

test('smoothed at a weight: the buckets\' means and the earlier run\'s points, before binning', () => {
  const store = new Buckets()
  store.append({ first_seq: [1, 2], last_seq: [1, 2], loss_min: [1, 3], loss_max: [1, 3], loss_mean: [1, 3], acc_mean: [0, 1], t: [1, 2] })
  const [, , , mean, smoothed, acc, before] = lossData(store, { seq: [1, 2], loss: [3, 1], acc: [0, 0] }, 500, 0.5)
  assert.deepEqual(mean, [1, 3])
  assert.deepEqual(smoothed, smooth([1, 3], 0.5))
  assert.deepEqual(acc, smooth([0, 1], 0.5))
  assert.deepEqual(before, smooth([3, 1], 0.5))
})

test('against a baseline: smoothed current minus smoothed earlier at the newest common seq', () => {
  const series = new Series()
  series.append(points([3, 2, 1, 0.5]))
  const earlier = { seq: [1, 2, 3], loss: [4, 3, 2] }
  const kept = smoothers()
  lossData(series, earlier, 500, 0, kept)
  assert.deepEqual(baselineGap(series, earlier, kept), { seq: 3, gap: 1 - 2 }) // the earlier run stops at 3
  lossData(series, earlier, 500, 0.5, kept)
  const gap = baselineGap(series, earlier, kept)
  assert.ok(gap)
  assert.equal(gap.seq, 3)
  assert.ok(Math.abs(gap.gap - (Number(smooth([3, 2, 1], 0.5)[2]) - Number(smooth([4, 3, 2], 0.5)[2]))) < 1e-12)
  assert.equal(baselineGap(series, { seq: [], loss: [] }, kept), null)
  assert.equal(baselineGap(new Series(), earlier, kept), null)
})
