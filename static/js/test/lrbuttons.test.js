import assert from 'node:assert/strict'
import { test } from 'node:test'
import { currentLr, lrLimits, nextLr } from '../lrbuttons.js'
import { lrLabel } from '../lrmarker.js'

const OPENAPI = { components: { schemas: { LrRequest: { properties: { lr: { type: 'number', exclusiveMinimum: 0, maximum: 10 } } } } } }

test('the lr limits are the server\'s; a server without lr changes has none', () => {
  assert.deepEqual(lrLimits(OPENAPI), { min: 0, max: 10, integer: false })
  assert.equal(lrLimits({ components: { schemas: {} } }), null)
})

test('×10 and ÷10 stay within (0, 10], in round numbers, and a click that changes nothing is refused', () => {
  const limits = { min: 0, max: 10 }
  assert.equal(nextLr(0.001, 10, limits), 0.01)
  assert.equal(nextLr(0.1, 10, limits), 1)
  assert.equal(nextLr(1, 0.1, limits), 0.1)
  assert.equal(nextLr(0.3, 0.1, limits), 0.03)
  assert.equal(nextLr(5, 10, limits), 10) // clamped to the maximum
  assert.equal(nextLr(10, 10, limits), null) // already there
  assert.equal(nextLr(0.01, 0.1, { min: 0.001, max: 10 }), null) // would reach an exclusive minimum
})

test('the run\'s lr: its last change, else its config\'s; the marker says "lr 0.5"', () => {
  assert.equal(currentLr({ info: { config: { lr: 0.001 } }, lrChanges: [] }), 0.001)
  assert.equal(currentLr({ info: { config: { lr: 0.001 } }, lrChanges: [{ seq: 5, lr: 1 }, { seq: 9, lr: 0.5 }] }), 0.5)
  assert.equal(currentLr(null), null)
  assert.equal(lrLabel(0.5), 'lr 0.5')
})
