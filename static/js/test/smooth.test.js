import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Smoothed, smooth } from '../smooth.js'

/** @param {ArrayLike<number | null>} actual @param {ArrayLike<number | null>} expected */
const close = (actual, expected) => Array.from(actual).forEach((value, i) => assert.ok(Math.abs(Number(value) - Number(expected[i])) < 1e-12, `${i}: ${value} vs ${expected[i]}`))

test('weight 0 is the raw curve', () => {
  assert.deepEqual(smooth([3, 1, 2], 0), [3, 1, 2])
})

test('debiased: the first value is itself, not pulled towards zero', () => {
  const out = smooth([2, 2, 2, 2], 0.9)
  close(out, [2, 2, 2, 2])
})

test('matches TensorBoard: last = last*w + (1-w)*v, divided by 1 - w^n', () => {
  const w = 0.6
  const l1 = 0.4 * 1
  const l2 = l1 * w + 0.4 * 3
  const l3 = l2 * w + 0.4 * 2
  close(smooth([1, 3, 2], w), [l1 / (1 - w), l2 / (1 - w ** 2), l3 / (1 - w ** 3)])
})

test('a non-finite value is passed through and skipped: n counts finite values only', () => {
  const out = smooth([1, NaN, 3, Infinity], 0.5)
  assert.ok(Number.isNaN(out[1]))
  assert.equal(out[3], Infinity)
  close([out[0], out[2]], smooth([1, 3], 0.5))
})

test('a growing column is smoothed incrementally, and again for a new key or weight', () => {
  const smoothed = new Smoothed()
  const column = [1, 2]
  assert.deepEqual(smoothed.of(column, column, 0.5), smooth([1, 2], 0.5))
  column.push(4)
  assert.deepEqual(smoothed.of(column, column, 0.5), smooth([1, 2, 4], 0.5))
  assert.deepEqual(smoothed.of(column, column, 0), [1, 2, 4])
  const other = [5]
  assert.deepEqual(smoothed.of(other, other, 0), [5])
})

// TensorBoard's loop (PR #639) as written there, to hold ours against on random curves.
/** @param {number[]} data @param {number} w */
function reference(data, w) {
  let last = 0
  let n = 0
  return data.map((v) => {
    if (!Number.isFinite(v)) return v
    last = last * w + (1 - w) * v
    n++
    return last / (w === 1 ? 1 : 1 - w ** n)
  })
}

test('random curves, weights and growth steps: the same as TensorBoard, however it grows', () => {
  let seed = 7
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
  for (let round = 0; round < 200; round++) {
    const length = Math.floor(random() * 60)
    const data = Array.from({ length }, () => (random() < 0.05 ? [NaN, Infinity, -Infinity][Math.floor(random() * 3)] : random() * 5 - 1))
    const w = [0, 0.6, 0.99, random() * 0.99][round % 4]
    const expected = reference(data, w)
    const grown = new Smoothed()
    for (let end = 0; end <= length; end += 1 + Math.floor(random() * 5)) grown.of(data, data, w, end)
    const out = grown.of(data, data, w, length)
    assert.equal(out.length, length)
    out.forEach((value, i) => assert.ok(Object.is(value, expected[i]) || Math.abs(Number(value) - expected[i]) < 1e-9, `round ${round} at ${i}`))
  }
})
