import assert from 'node:assert/strict'
import { test } from 'node:test'
import { captureToken } from '../api.js'

function storage() {
  const items = new Map()
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) }
}

test('the presenter token moves from the URL into sessionStorage', () => {
  const replaced = []
  const history = { state: null, replaceState: (_s, _t, url) => replaced.push(url) }
  const store = storage()
  const token = captureToken({ href: 'http://h:8000/?token=abc123&x=1#/5' }, history, store)
  assert.equal(token, 'abc123')
  assert.equal(store.getItem('loopcast-token'), 'abc123')
  assert.deepEqual(replaced, ['/?x=1#/5'])
})

test('without a token in the URL nothing is rewritten and the stored one is kept', () => {
  const replaced = []
  const store = storage()
  store.setItem('loopcast-token', 'kept')
  const token = captureToken({ href: 'http://h:8000/#/2' }, { replaceState: () => replaced.push(1) }, store)
  assert.equal(token, 'kept')
  assert.equal(replaced.length, 0)
})
