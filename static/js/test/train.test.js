import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_PACE_S, paceValue } from '../train.js'

test('a slide pace becomes whole seconds the server takes; none, or nonsense, is 0', () => {
  assert.deepEqual([20, 20.4, 0.6, 0.4, 0, -5, 601].map(paceValue), [20, 20, 1, 0, 0, 0, MAX_PACE_S])
  assert.deepEqual([undefined, null, 'x', Infinity].map(paceValue), [0, 0, 0, 0])
})
