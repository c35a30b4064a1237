import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bucketColumns as buckets } from './bucketcolumns.js'
import { Buckets, EARLIER_RUNS, RunBuffer, Series, heldRows, samplesPerSecond } from '../points.js'

// The tests' messages carry only the fields each test reads: the type checker is told so.
/** @param {RunBuffer} buffer @param {object} message */
const apply = (buffer, message) => buffer.apply(/** @type {import('../messages').Message} */ (message))

/** @param {number} first @param {number} count */
function columns(first, count) {
  const seq = Array.from({ length: count }, (_, i) => first + i)
  return { seq, step: seq, epoch: seq.map(() => 1), loss: seq.map(() => 0.5), acc: seq.map(() => 0.9), t: seq.map((s) => s / 100) }
}

/** @param {number} run @param {number} since @param {object | undefined} points */
const snapshot = (run, since, points, status = 'running') => ({ type: 'snapshot', run, since, info: { status, epochs: [] }, points })

test('append grows past its capacity and keeps every value', () => {
  const series = new Series(4)
  assert.equal(series.append(columns(1, 10)), 'ok')
  assert.equal(series.length, 10)
  assert.deepEqual(Array.from(series.view('seq')), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
})

test('60,000 points in 1,000 messages: every one kept, in order', () => {
  const series = new Series()
  for (let i = 0; i < 1000; i++) assert.equal(series.append(columns(i * 60 + 1, 60)), 'ok')
  assert.equal(series.length, 60_000)
  assert.equal(series.view('seq')[59_999], 60_000)
  assert.ok(series.view('loss') instanceof Float64Array)
})

test('duplicates are dropped, overlaps trimmed, gaps reported', () => {
  const series = new Series()
  series.append(columns(1, 5))
  assert.equal(series.append(columns(3, 3)), 'duplicate')
  assert.equal(series.append(columns(4, 4)), 'ok')
  assert.deepEqual(Array.from(series.view('seq')), [1, 2, 3, 4, 5, 6, 7])
  assert.equal(series.append(columns(9, 1)), 'gap')
  assert.equal(series.length, 7)
})

test('the first point of a run must be seq 1', () => {
  assert.equal(new Series().append(columns(3, 2)), 'gap')
})

test('a null loss (diverged run) is a gap in the line, not a zero', () => {
  const series = new Series()
  series.append({ ...columns(1, 2), loss: [null, 1.5] })
  assert.ok(Number.isNaN(series.view('loss')[0]))
})

test('a new run resets; a resumed snapshot appends; earlier runs stay for overlays', () => {
  const buffer = new RunBuffer()
  apply(buffer, snapshot(1, 0, columns(1, 3), 'finished'))
  apply(buffer, snapshot(2, 0, columns(1, 0), 'queued'))
  assert.equal(buffer.current, 2)
  assert.equal(buffer.runs.get(1)?.series.length, 3)
  apply(buffer, { type: 'points', run: 2, ...columns(1, 4) })
  apply(buffer, snapshot(2, 4, columns(5, 2)))
  assert.equal(buffer.active?.series.length, 6)
  assert.equal(apply(buffer, { type: 'points', run: 2, ...columns(9, 1) }), 'gap')
})

test('a full snapshot of the current run (after a resync) replaces what the tab held', () => {
  const buffer = new RunBuffer()
  apply(buffer, snapshot(3, 0, columns(1, 5)))
  apply(buffer, snapshot(3, 0, columns(1, 8)))
  assert.deepEqual(Array.from(buffer.active?.series.view('seq') ?? []), [1, 2, 3, 4, 5, 6, 7, 8])
})

test('a snapshot whose points do not follow on is a gap', () => {
  const buffer = new RunBuffer()
  apply(buffer, snapshot(3, 0, columns(1, 5)))
  assert.equal(apply(buffer, snapshot(3, 5, columns(8, 2))), 'gap')
})

test('only the newest earlier runs are kept', () => {
  const buffer = new RunBuffer()
  for (let run = 1; run <= 10; run++) apply(buffer, snapshot(run, 0, columns(1, 2)))
  assert.equal(buffer.current, 10)
  assert.deepEqual([...buffer.runs.keys()].sort((a, b) => a - b), [6, 7, 8, 9, 10])
  assert.equal(buffer.runs.size, EARLIER_RUNS + 1)
})

test('epochs are kept once, status and slide follow the stream', () => {
  const buffer = new RunBuffer()
  apply(buffer, { ...snapshot(1, 0, columns(1, 0)), slide: null, server: { viewers: 1 } })
  apply(buffer, { type: 'epoch', run: 1, epoch: 1, val_acc: 0.96 })
  apply(buffer, { type: 'epoch', run: 1, epoch: 1, val_acc: 0.96 })
  apply(buffer, { type: 'status', run: 1, status: 'failed', reason: 'boom', wall_s: 3.5, unpaced_s: null })
  apply(buffer, { type: 'slide', run: 1, page: 5, panel: 'mnist' })
  apply(buffer, { type: 'viewers', run: 1, count: 12 })
  assert.equal(buffer.active?.epochs.length, 1)
  assert.equal(buffer.active?.status, 'failed')
  assert.equal(buffer.active?.reason, 'boom')
  assert.equal(buffer.active?.info?.wall_s, 3.5)
  assert.equal(buffer.active?.info?.unpaced_s, undefined)
  assert.deepEqual(buffer.slide, { page: 5, panel: 'mnist' })
  assert.equal(buffer.server?.viewers, 12)
})

test('a snapshot before any run carries the server and the slide', () => {
  const buffer = new RunBuffer()
  assert.equal(apply(buffer, { type: 'snapshot', run: null, since: 0, info: null, points: columns(1, 0), server: { device: 'cpu' }, slide: { page: 2, panel: 'overview' } }), 'ok')
  assert.equal(buffer.active, null)
  assert.equal(buffer.server?.device, 'cpu')
  assert.equal(buffer.slide?.panel, 'overview')
})

test('samples per second: steps times batch size over the time they took', () => {
  const series = new Series()
  series.append(columns(1, 101)) // 100 steps in 1 s
  assert.equal(Math.round(samplesPerSecond(series, 64, 100)), 6400)
  assert.equal(Math.round(samplesPerSecond(series, 64, 50)), 6400)
  assert.equal(samplesPerSecond(new Series(), 64), 0)
  const stalled = new Series()
  stalled.append({ ...columns(1, 3), t: [1, 1, 1] })
  assert.equal(samplesPerSecond(stalled, 64), 0)
})

test('buckets: contiguous ranges append, held ones are duplicates, a gap or overlap is refused', () => {
  const store = new Buckets(2)
  assert.equal(store.append(buckets([[1, 4], [5, 9], [10, 10]])), 'ok')
  assert.equal(store.last, 10)
  assert.equal(store.append(buckets([[5, 9], [10, 10]])), 'duplicate')
  assert.equal(store.append(buckets([[10, 10], [11, 12]])), 'ok') // overlap trimmed
  assert.equal(store.append(buckets([[14, 15]])), 'gap')
  assert.equal(store.append(buckets([[12, 14]])), 'gap') // straddles what is held: cannot be split
  assert.equal(store.append(buckets([[13, 14], [16, 17]])), 'gap') // a hole inside the message
  assert.equal(store.length, 4)
  assert.deepEqual(Array.from(store.view('first_seq')), [1, 5, 10, 11])
  assert.deepEqual(Array.from(store.view('last_seq')), [4, 9, 10, 12])
  assert.equal(store.append(buckets([[13, 14]])), 'ok')
})

test('buckets: the first must start at seq 1; a null loss (diverged) is NaN', () => {
  assert.equal(new Buckets().append(buckets([[2, 3]])), 'gap')
  const store = new Buckets()
  store.append({ ...buckets([[1, 2]]), loss_min: [null], loss_max: [null], loss_mean: [null] })
  assert.ok(Number.isNaN(store.view('loss_max')[0]))
})

test('an envelope snapshot and bucket messages fill the run buckets; resumes append', () => {
  const buffer = new RunBuffer()
  apply(buffer, { ...snapshot(5, 0, undefined), detail: 'envelope', buckets: buckets([[1, 50]]) })
  assert.equal(apply(buffer, { type: 'buckets', run: 5, ...buckets([[51, 60]]) }), 'ok')
  assert.equal(apply(buffer, { ...snapshot(5, 60, undefined), detail: 'envelope', buckets: buckets([[61, 70]]) }), 'ok')
  assert.equal(apply(buffer, { type: 'buckets', run: 5, ...buckets([[61, 70]]) }), 'ok') // duplicate, dropped
  assert.equal(buffer.active?.buckets.length, 3)
  assert.equal(buffer.active?.series.length, 0)
  assert.equal(heldRows(/** @type {import('../points.js').Run} */ (buffer.active)), buffer.active?.buckets)
  assert.equal(apply(buffer, { type: 'buckets', run: 5, ...buckets([[80, 90]]) }), 'gap')
})

test('samples per second from buckets: seqs covered times batch size over their time', () => {
  const store = new Buckets()
  store.append({ ...buckets([[1, 10], [11, 110]]), t: [0, 1] })
  assert.equal(Math.round(samplesPerSecond(store, 64)), 6400)
})
