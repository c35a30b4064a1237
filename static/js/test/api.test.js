import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiError, api, cachedGet, captureToken, presenterToken, serverPlace, serverUrl, setServer, sharedGet } from '../api.js'

function storage() {
  /** @type {Map<string, string>} */
  const items = new Map()
  return { getItem: (/** @type {string} */ k) => items.get(k) ?? null, setItem: (/** @type {string} */ k, /** @type {string} */ v) => items.set(k, v) }
}

/** @type {any} */
let last // the last request a fake answered

/** @param {number} status @param {unknown} body */
function answer(status, body, type = 'application/json') {
  return async (/** @type {string} */ url, /** @type {any} */ init) => {
    last = { url, init }
    return {
      ok: status < 400,
      status,
      statusText: 'x',
      headers: { get: () => type },
      json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
    }
  }
}

test('the presenter token moves from the URL into sessionStorage', () => {
  /** @type {unknown[]} */
  const replaced = []
  const history = { state: null, replaceState: (/** @type {unknown} */ _s, /** @type {string} */ _t, /** @type {string} */ url) => replaced.push(url) }
  const store = storage()
  const token = captureToken({ href: 'http://h:8000/?token=abc123&x=1#/5' }, history, store)
  assert.equal(token, 'abc123')
  assert.equal(presenterToken(store), 'abc123')
  assert.deepEqual(replaced, ['/?x=1#/5'])
})

test('without a token in the URL nothing is rewritten and the stored one is kept', () => {
  /** @type {unknown[]} */
  const replaced = []
  const store = storage()
  store.setItem('loopcast-token', 'kept')
  const token = captureToken({ href: 'http://h:8000/#/2' }, { state: null, replaceState: () => replaced.push(1) }, store)
  assert.equal(token, 'kept')
  assert.equal(replaced.length, 0)
  assert.equal(presenterToken(storage()), null)
})

test('mutating calls send the token as a Bearer header, reads do not', async () => {
  await api('/api/runs', { method: 'POST', body: { epochs: 1 }, token: 'T', fetchImpl: answer(201, { id: 1 }) })
  assert.equal(last.init.headers.Authorization, 'Bearer T')
  assert.equal(last.init.body, '{"epochs":1}')
  await api('/api/runs', { token: 'T', fetchImpl: answer(200, { runs: [] }) })
  assert.equal(last.init.headers.Authorization, undefined)
})

test("loopcast's errors are shown; anything else means it is not there", async () => {
  const detail = { detail: [{ loc: ['body', 'lr'], msg: 'Input should be greater than 0' }] }
  await assert.rejects(api('/api/runs', { method: 'POST', body: {}, fetchImpl: answer(422, detail) }), {
    message: 'lr: Input should be greater than 0',
    unreachable: false,
  })
  await assert.rejects(api('/api/runs/1/stop', { method: 'POST', fetchImpl: answer(409, { detail: 'run 1 is not active' }) }), {
    message: 'run 1 is not active',
    status: 409,
  })
  await assert.rejects(api('/api/demo/profile', { fetchImpl: answer(404, '<h1>File not found</h1>', 'text/html') }), { unreachable: true })
  const down = async () => {
    throw new TypeError('Failed to fetch')
  }
  await assert.rejects(api('/api/status', { fetchImpl: down }), (error) => error instanceof ApiError && error.unreachable)
})

test('requests and the stream go to the server set for the tab, else to the page', async () => {
  const page = { protocol: 'http:', host: 'deck.example:3030' }
  try {
    setServer('https://loopcast.example:8443/')
    await api('/api/status', { fetchImpl: answer(200, {}) })
    assert.equal(last.url, 'https://loopcast.example:8443/api/status')
    assert.equal(serverUrl('/watch'), 'https://loopcast.example:8443/watch')
    const place = serverPlace(page)
    assert.deepEqual([place.protocol, place.host], ['https:', 'loopcast.example:8443'])
  } finally {
    setServer(null)
  }
  await api('/api/status', { fetchImpl: answer(200, {}) })
  assert.equal(last.url, '/api/status')
  assert.equal(serverPlace(page), page)
})

test('cachedGet asks once, and again only after a failure', async () => {
  let calls = 0
  const request = async () => {
    calls += 1
    if (calls === 1) throw new ApiError('down', { unreachable: true })
    return { ms: calls }
  }
  await assert.rejects(cachedGet('/api/demo/x', request))
  assert.deepEqual(await cachedGet('/api/demo/x', request), { ms: 2 })
  assert.deepEqual(await cachedGet('/api/demo/x', request), { ms: 2 })
  assert.equal(calls, 2)
})

test('sharedGet: askers at the same time share one request; a later ask is a new one', async () => {
  let calls = 0
  const request = async () => ({ call: ++calls })
  const [a, b] = await Promise.all([sharedGet('/api/runs', request), sharedGet('/api/runs', request)])
  assert.deepEqual([a, b], [{ call: 1 }, { call: 1 }])
  assert.deepEqual(await sharedGet('/api/runs', request), { call: 2 })
  const failing = async () => {
    throw new ApiError('down', { unreachable: true })
  }
  await assert.rejects(sharedGet('/api/x', failing))
  assert.deepEqual(await sharedGet('/api/x', request), { call: 3 })
})
