import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AlignedData, raceData } from '../chartdata.js'

// One-off: the layout from plain columns, as a full rebuild would make it.
/** @param {ArrayLike<number>[]} columns */
const aligned = (columns) => new AlignedData(columns.length).update(columns.map((values) => ({ key: null, values })))

test('x = 1..n, shorter columns padded with null, NaN as null', () => {
  const data = aligned([Float64Array.from([0.5, NaN, 0.3]), [0.9], []])
  assert.deepEqual(data, [[1, 2, 3], [0.5, null, 0.3], [0.9, null, null], [null, null, null]])
  assert.deepEqual(aligned([]), [[]])
})

test('growing columns are appended to, not rebuilt', () => {
  const live = { id: 'run 1' }
  const columns = new AlignedData(2)
  const overlay = [1, 1, 1, 1]
  const first = columns.update([{ key: live, values: [3, 2] }, { key: 'run 0', values: overlay }])
  assert.deepEqual(first, [[1, 2, 3, 4], [3, 2, null, null], [1, 1, 1, 1]])
  const second = columns.update([{ key: live, values: [3, 2, 1, 0.5, 0.25] }, { key: 'run 0', values: overlay }])
  assert.equal(second[1], first[1]) // the same array, extended in place
  assert.deepEqual(second, [[1, 2, 3, 4, 5], [3, 2, 1, 0.5, 0.25], [1, 1, 1, 1, null]])
})

test('a new key (another run, another overlay) or a shorter column rebuilds', () => {
  const columns = new AlignedData(1)
  columns.update([{ key: 'a', values: [1, 2, 3] }])
  assert.deepEqual(columns.update([{ key: 'b', values: [9] }]), [[1], [9]])
  assert.deepEqual(columns.update([{ key: 'b', values: [] }]), [[], []])
})

test('60,000 points arriving 60 at a time stay equal to a full rebuild', () => {
  const values = new Float64Array(60_000).map((_, i) => (i % 997 === 0 ? NaN : Math.sin(i)))
  const columns = new AlignedData(1)
  const key = {}
  let data
  for (let n = 60; n <= values.length; n += 60) data = columns.update([{ key, values: values.subarray(0, n) }])
  assert.deepEqual(data, aligned([values]))
})

test("a race's curves share one x: every device's times, each column null where it has none", () => {
  const race = {
    devices: [
      { curve: { t: [0.05, 0.1, 0.2], samples: [64, 128, 256], loss: [2, 1.5, 1] } },
      { curve: { t: [0.01, 0.1, 0.15], samples: [640, 6400, 9600], loss: [2, 1, 0.5] } },
    ],
  }
  assert.deepEqual(raceData(/** @type {any} */ (race)), [
    [0.01, 0.05, 0.1, 0.15, 0.2],
    [null, 64, 128, null, 256],
    [640, null, 6400, 9600, null],
  ])
  assert.deepEqual(raceData(/** @type {any} */ ({ devices: [] })), [[]])
})
