import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PANELS, mountPanel } from '../panels/index.js'
import { heat } from '../panels/mistakes.js'
import { RunBuffer } from '../points.js'

// The tests' messages carry only the fields each test reads: the type checker is told so.
/** @param {RunBuffer} buffer @param {object} message */
const apply = (buffer, message) => buffer.apply(/** @type {import('../messages').Message} */ (message))

test('the buffer keeps a run\'s newest weights and eval, and each lr change once', () => {
  const buffer = new RunBuffer()
  const info = { status: 'running', lr_changes: [{ seq: 5, lr: 1 }], eval: { epoch: 1, confusion: [], mistakes: [] } }
  apply(buffer, { type: 'snapshot', run: 3, server: {}, info, points: { seq: [] } })
  assert.deepEqual(buffer.active?.lrChanges, [{ seq: 5, lr: 1 }])
  assert.equal(buffer.active?.eval?.epoch, 1) // a late joiner sees the last epoch's mistakes
  const weights = { type: 'weights', run: 3, seq: 10, model: 'mlp', layers: [] }
  apply(buffer, weights)
  apply(buffer, { type: 'eval', run: 3, epoch: 2, confusion: [], mistakes: [] })
  apply(buffer, { type: 'lr', run: 3, seq: 12, lr: 0.001 })
  apply(buffer, { type: 'lr', run: 3, seq: 12, lr: 0.001 }) // a resume may repeat one
  assert.equal(buffer.active?.weights, weights)
  assert.equal(buffer.active?.eval?.epoch, 2)
  assert.deepEqual(buffer.active?.lrChanges, [{ seq: 5, lr: 1 }, { seq: 12, lr: 0.001 }])
})

test('the heat map shades a cell by its share of the true class, so a few errors still show', () => {
  const confusion = [
    [96, 4],
    [0, 0], // a class with no test images: no division by zero
  ]
  assert.deepEqual(heat(confusion), [[Math.sqrt(0.96), 0.2], [0, 0]])
})

test('a slide may mount a part of a panel (progress:mistakes); a part that is not there says which are', () => {
  const progress = PANELS.find((panel) => panel.name === 'progress')
  assert.ok(progress?.parts)
  assert.deepEqual(Object.keys(progress.parts), ['charts', 'mistakes'])
  const element = /** @type {any} */ ({})
  assert.throws(() => mountPanel('progress:nope', element, /** @type {any} */ ({})), /progress has no part nope: charts, mistakes/)
  assert.throws(() => mountPanel('modes:charts', element, /** @type {any} */ ({})), /modes has no part charts: none/)
})

// A fake element: what mountPanel and an empty part touch of it.
function fakeElement() {
  const classes = new Set()
  return /** @type {any} */ ({
    classList: { add: (/** @type {string[]} */ ...names) => names.forEach((n) => classes.add(n)), remove: (/** @type {string[]} */ ...names) => names.forEach((n) => classes.delete(n)) },
    replaceChildren() {},
    classes,
  })
}

test('the live run comes apart: its chart is the panel as styles and tests know it, the Train form a part only the presenter sees', () => {
  const mnist = PANELS.find((panel) => panel.name === 'mnist')
  assert.ok(mnist?.parts)
  assert.deepEqual(Object.keys(mnist.parts), ['chart', 'form'])
  const element = fakeElement()
  const stop = mountPanel('mnist:form', element, /** @type {any} */ ({ presenter: false }))
  assert.deepEqual([...element.classes], ['lc-panel', 'lc-panel-mnist-form']) // and nothing built: no DOM here
  stop()
  assert.deepEqual([...element.classes], [])
})
