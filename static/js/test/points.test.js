import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RunBuffer, Series, samplesPerSecond } from '../points.js'

function columns(first, count) {
  const seq = Array.from({ length: count }, (_, i) => first + i)
  return { seq, step: seq, epoch: seq.map(() => 1), loss: seq.map(() => 0.5), acc: seq.map(() => 0.9), t: seq.map((s) => s / 100) }
}

test('append grows past its capacity and keeps every value', () => {
  const series = new Series(4)
  assert.equal(series.append(columns(1, 10)), 'ok')
  assert.equal(series.length, 10)
  assert.deepEqual(Array.from(series.view('seq')), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
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

test('a null loss (diverged run) is a gap in the line, not a zero', () => {
  const series = new Series()
  series.append({ ...columns(1, 2), loss: [null, 1.5] })
  assert.ok(Number.isNaN(series.view('loss')[0]))
})

test('a new run resets; a resumed snapshot appends; earlier runs stay for overlays', () => {
  const buffer = new RunBuffer()
  buffer.apply({ type: 'snapshot', run: 1, since: 0, info: { status: 'finished', epochs: [{ epoch: 1 }] }, points: columns(1, 3) })
  buffer.apply({ type: 'snapshot', run: 2, since: 0, info: { status: 'queued', epochs: [] }, points: columns(1, 0) })
  assert.equal(buffer.current, 2)
  assert.equal(buffer.runs.get(1).series.length, 3)
  buffer.apply({ type: 'points', run: 2, ...columns(1, 4) })
  buffer.apply({ type: 'snapshot', run: 2, since: 4, info: { status: 'running', epochs: [] }, points: columns(5, 2) })
  assert.equal(buffer.active.series.length, 6)
  assert.equal(buffer.apply({ type: 'points', run: 2, ...columns(9, 1) }), 'gap')
})

test('epochs are kept once, status and slide follow the stream', () => {
  const buffer = new RunBuffer()
  buffer.apply({ type: 'snapshot', run: 1, since: 0, info: { status: 'running', epochs: [] }, points: columns(1, 0), slide: null, server: { viewers: 1 } })
  buffer.apply({ type: 'epoch', run: 1, epoch: 1, val_acc: 0.96 })
  buffer.apply({ type: 'epoch', run: 1, epoch: 1, val_acc: 0.96 })
  buffer.apply({ type: 'status', run: 1, status: 'failed', reason: 'boom' })
  buffer.apply({ type: 'slide', run: 1, page: 5, panel: 'mnist' })
  buffer.apply({ type: 'viewers', run: 1, count: 12 })
  assert.equal(buffer.active.epochs.length, 1)
  assert.equal(buffer.active.status, 'failed')
  assert.equal(buffer.active.reason, 'boom')
  assert.deepEqual(buffer.slide, { page: 5, panel: 'mnist' })
  assert.equal(buffer.server.viewers, 12)
})

test('samples per second from the last points', () => {
  const series = new Series()
  series.append(columns(1, 101))
  assert.equal(Math.round(samplesPerSecond(series, 64, 100)), 6400)
  assert.equal(samplesPerSecond(new Series(), 64), 0)
})
