import assert from 'node:assert/strict'
import { test } from 'node:test'
import { logTick, positive } from '../charts.js'
import { DEFAULT_SMOOTHING, readSettings, saveSettings } from '../charttools.js'

function memoryStorage() {
  /** @type {Map<string, string>} */
  const items = new Map()
  return { getItem: (/** @type {string} */ key) => items.get(key) ?? null, setItem: (/** @type {string} */ key, /** @type {unknown} */ value) => items.set(key, String(value)) }
}

test("a chart's settings round-trip through the tab's storage, per chart", () => {
  const storage = memoryStorage()
  assert.deepEqual(readSettings(storage, 'mnist-loss'), { smoothing: DEFAULT_SMOOTHING, log: false })
  saveSettings(storage, 'mnist-loss', { smoothing: 0.9, log: true })
  assert.deepEqual(readSettings(storage, 'mnist-loss'), { smoothing: 0.9, log: true })
  assert.deepEqual(readSettings(storage, 'progress-loss'), { smoothing: DEFAULT_SMOOTHING, log: false })
})

test('stored nonsense gives the defaults, and no storage at all works', () => {
  for (const stored of ['{', 'null', '[]', '{"smoothing": 2, "log": "yes"}', '{"smoothing": -0.1}', '{"smoothing": "0.5"}']) {
    const storage = memoryStorage()
    storage.setItem('loopcast-chart-x', stored)
    assert.deepEqual(readSettings(storage, 'x'), { smoothing: DEFAULT_SMOOTHING, log: false }, stored)
  }
  assert.deepEqual(readSettings(undefined, 'x'), { smoothing: DEFAULT_SMOOTHING, log: false })
  saveSettings({ setItem: () => { throw new Error('quota') } }, 'x', { smoothing: 0, log: false })
})

test('on a log axis, values <= 0 are gaps; other scales and undefined (no bin) are kept', () => {
  const data = [[1, 2, 3], [0.5, 0, -1], [0, 0.2, undefined], [null, 4, 1e-9]]
  const out = positive(data, [false, true, false, true])
  assert.deepEqual(out, [[1, 2, 3], [0.5, null, null], [0, 0.2, undefined], [null, 4, 1e-9]])
  assert.deepEqual(data[1], [0.5, 0, -1]) // the caller's arrays are left alone
})

test('log ticks read as numbers down to a thousandth, then in exponent form', () => {
  assert.deepEqual([10, 1, 0.1, 0.001, 0.0001, 1e-6].map(logTick), ['10', '1', '0.1', '0.001', '1e-4', '1e-6'])
})
