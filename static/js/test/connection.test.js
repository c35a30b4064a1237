import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Connection, PING_MS, STALE_MS, backoff, stateMessage, streamUrl } from '../connection.js'
import { createLive } from '../live.js'
import { bucketColumns as buckets } from './bucketcolumns.js'

class FakeSocket {
  /** @type {any[]} the sockets made, newest last: tests call their handlers */
  static made = []
  /** @type {(() => void) | null} */
  onopen = null
  /** @type {((event: { data: string }) => void) | null} */
  onmessage = null
  /** @type {(() => void) | null} */
  onclose = null
  /** @param {string} url */
  constructor(url) {
    this.url = url
    /** @type {any[]} */
    this.sent = []
    FakeSocket.made.push(this)
  }
  /** @param {string} data */
  send(data) {
    this.sent.push(JSON.parse(data))
  }
  close() {
    this.onclose?.()
  }
  /** @param {unknown} message */
  deliver(message) {
    if (!this.onmessage) throw new Error('nothing listens on this socket')
    this.onmessage({ data: typeof message === 'string' ? message : JSON.stringify(message) })
  }
}

// Timers run by hand: `fire()` runs the pending ones (as the event loop would, later).
function fakeTimers() {
  /** @type {Map<number, { fn: () => void, ms: number }>} */
  const pending = new Map()
  let next = 1
  const timers = {
    clock: 0,
    schedule: (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
      pending.set(next, { fn, ms })
      return next++
    },
    cancel: (/** @type {number} */ handle) => pending.delete(handle),
    now: () => timers.clock,
    random: () => 1,
    pending: () => [...pending.values()],
    fire() {
      const due = [...pending.entries()]
      pending.clear()
      for (const [, timer] of due) {
        timers.clock += timer.ms
        timer.fn()
      }
    },
  }
  return timers
}

/** @param {string} [detail] */
function connection(detail) {
  FakeSocket.made = []
  const timers = fakeTimers()
  const conn = new Connection({ location: { protocol: 'http:', host: 'deck.local:8000' }, WebSocketImpl: FakeSocket, timers, detail })
  return { conn: conn.open(), timers, socket: () => FakeSocket.made.at(-1) }
}

const columns = (/** @type {number[]} */ seq) => ({ seq, step: seq, epoch: seq.map(() => 1), loss: seq.map(() => 1), acc: seq.map(() => 0.5), t: seq })

test('stream URL names its detail and resumes only with a run and a seq', () => {
  const location = { protocol: 'https:', host: 'h:1' }
  assert.equal(streamUrl(location, null, 0), 'wss://h:1/ws?detail=full')
  assert.equal(streamUrl(location, 3, 0, 'envelope'), 'wss://h:1/ws?detail=envelope')
  assert.equal(streamUrl(location, 3, 120), 'wss://h:1/ws?detail=full&since=120&run=3')
  assert.equal(streamUrl(location, 3, 120, 'envelope'), 'wss://h:1/ws?detail=envelope&since=120&run=3')
})

test('backoff doubles up to 5 s, jittered within the upper half', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map((n) => backoff(n, () => 1)), [250, 500, 1000, 2000, 5000])
  assert.deepEqual([0, 10].map((n) => backoff(n, () => 0)), [125, 2500])
})

test('a reconnect resumes after the last point received', () => {
  const { conn, timers, socket } = connection()
  /** @type {string[]} */
  const states = []
  conn.onState((state) => states.push(state))
  socket().onopen()
  socket().deliver({ type: 'snapshot', run: 7, since: 0, points: columns([1, 2, 3]) })
  socket().deliver({ type: 'points', run: 7, ...columns([4, 5]) })
  socket().close()
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting'])
  timers.fire()
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=full&since=5&run=7')
})

test('before the first open the state stays connecting: the server is not up yet', () => {
  const { conn, timers, socket } = connection()
  socket().close()
  timers.fire()
  socket().close()
  assert.equal(conn.state, 'connecting')
  assert.equal(FakeSocket.made.length, 2)
  assert.equal(stateMessage('connecting'), 'Waiting for the loopcast server…')
  assert.match(stateMessage('reconnecting') ?? '', /lost: reconnecting/)
  assert.equal(stateMessage('open'), null)
})

test('the retry waits grow while the server stays away and reset once it answers', () => {
  const { timers, socket } = connection()
  const waits = []
  for (let i = 0; i < 4; i++) {
    socket().close()
    waits.push(timers.pending()[0].ms)
    timers.fire()
  }
  assert.deepEqual(waits, [250, 500, 1000, 2000])
  socket().onopen()
  socket().close()
  assert.equal(timers.pending()[0].ms, 250)
})

test('a snapshot without points keeps its since as the cursor; stale points never move it back', () => {
  const { conn, socket } = connection()
  socket().deliver({ type: 'snapshot', run: 2, since: 40, points: columns([]) })
  assert.equal(conn.seq, 40)
  socket().deliver({ type: 'points', run: 2, ...columns([39, 40]) })
  assert.equal(conn.seq, 40)
  socket().deliver({ type: 'points', run: 1, ...columns([90]) })
  assert.equal(conn.seq, 40)
})

test('resync starts over from a full snapshot', () => {
  const { conn, timers, socket } = connection()
  socket().deliver({ type: 'snapshot', run: 2, since: 0, points: columns([1]) })
  conn.resync()
  timers.fire()
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=full')
})

test('a gap in the points makes the tab resync, a duplicate does not', () => {
  const { conn, timers, socket } = connection()
  const live = createLive(conn)
  socket().onopen()
  socket().deliver({ type: 'snapshot', run: 1, since: 0, info: { status: 'running' }, points: columns([1, 2]) })
  socket().deliver({ type: 'points', run: 1, ...columns([2]) })
  assert.equal(FakeSocket.made.length, 1)
  socket().deliver({ type: 'points', run: 1, ...columns([5, 6]) })
  assert.equal(live.buffer.active?.series.length, 2)
  timers.fire()
  assert.equal(FakeSocket.made.length, 2)
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=full')
})

test('open() makes one socket; close() stops reconnecting', () => {
  const { conn, timers } = connection()
  conn.open()
  assert.equal(FakeSocket.made.length, 1)
  conn.close()
  assert.equal(timers.pending().length, 0)
})

test('an open socket pings, and one silent for too long is closed and replaced', () => {
  const { conn, timers, socket } = connection()
  socket().onopen()
  timers.fire()
  assert.deepEqual(socket().sent, [{ type: 'ping' }])
  while (timers.clock <= STALE_MS) timers.fire()
  assert.equal(conn.state, 'reconnecting')
  timers.fire()
  assert.equal(FakeSocket.made.length, 2)
  assert.ok(PING_MS < STALE_MS)
})

test('a message keeps a socket alive', () => {
  const { conn, timers, socket } = connection()
  socket().onopen()
  for (let i = 0; i < 6; i++) {
    timers.fire()
    socket().deliver({ type: 'pong', run: null })
  }
  assert.equal(conn.state, 'open')
  assert.equal(FakeSocket.made.length, 1)
})

test('reconnectNow skips the wait when the network comes back', () => {
  const { conn, timers, socket } = connection()
  socket().onopen()
  socket().close()
  conn.reconnectNow()
  assert.equal(FakeSocket.made.length, 2)
  assert.equal(timers.pending().length, 0)
  conn.reconnectNow() // a socket is there: nothing to do
  assert.equal(FakeSocket.made.length, 2)
})

test('a bad message or a failing listener does not stop the others', (t) => {
  t.mock.method(console, 'error', () => {})
  const { conn, socket } = connection()
  /** @type {unknown[]} */
  const seen = []
  conn.subscribe(() => {
    throw new Error('panel bug')
  })
  conn.subscribe((message) => seen.push(message.type))
  socket().deliver('not json')
  socket().deliver({ type: 'viewers', run: null, count: 3 })
  assert.deepEqual(seen, ['viewers'])
})

test('live state: the buffer is updated before panels hear of a message', () => {
  const { conn, socket } = connection()
  const live = createLive(conn)
  /** @type {unknown[]} */
  const seen = []
  live.subscribe(() => seen.push(live.buffer.active?.series.length))
  socket().deliver({ type: 'snapshot', run: 1, since: 0, info: { status: 'running' }, points: columns([1, 2]) })
  assert.deepEqual(seen, [2])
})

test('one connection per tab, however many panels ask', async () => {
  /** @type {string[]} */
  const listeners = []
  Object.assign(globalThis, {
    window: { location: { protocol: 'http:', host: 'h:8000' }, WebSocket: FakeSocket, addEventListener: (/** @type {string} */ name) => listeners.push(name) },
    document: { addEventListener: (/** @type {string} */ name) => listeners.push(name), visibilityState: 'visible' },
  })
  FakeSocket.made = []
  try {
    const { sharedConnection } = await import('../connection.js')
    const { sharedLive } = await import('../live.js')
    assert.equal(sharedConnection(), sharedConnection())
    assert.equal(sharedLive().connection, sharedConnection())
    assert.equal(sharedLive(), sharedLive())
    assert.equal(FakeSocket.made.length, 1)
    assert.deepEqual(listeners.sort(), ['online', 'visibilitychange'])
    sharedConnection().close()
  } finally {
    const global = /** @type {any} */ (globalThis) // the browser globals set above
    delete global.window
    delete global.document
    delete global.loopcast
  }
})

test('an envelope stream resumes after the last_seq of its last bucket', () => {
  const { conn, timers, socket } = connection('envelope')
  const live = createLive(conn)
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=envelope')
  socket().onopen()
  socket().deliver({ type: 'snapshot', run: 4, since: 0, detail: 'envelope', info: { status: 'running' }, buckets: buckets([[1, 10], [11, 20]]) })
  socket().deliver({ type: 'buckets', run: 4, ...buckets([[21, 24]]) })
  socket().close()
  timers.fire()
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=envelope&since=24&run=4')
  socket().deliver({ type: 'snapshot', run: 4, since: 24, detail: 'envelope', info: { status: 'running' }, buckets: buckets([[25, 30]]) })
  socket().deliver({ type: 'buckets', run: 4, ...buckets([[31, 31]]) })
  assert.deepEqual(Array.from(live.buffer.active?.buckets.view('last_seq') ?? []), [10, 20, 24, 30, 31])
  assert.equal(conn.seq, 31)
})

test('a gap in the buckets makes the tab resync from a full envelope', () => {
  const { conn, timers, socket } = connection('envelope')
  const live = createLive(conn)
  socket().onopen()
  socket().deliver({ type: 'snapshot', run: 1, since: 0, detail: 'envelope', info: { status: 'running' }, buckets: buckets([[1, 5]]) })
  socket().deliver({ type: 'buckets', run: 1, ...buckets([[8, 9]]) })
  assert.equal(live.buffer.active?.buckets.length, 1)
  timers.fire()
  assert.equal(FakeSocket.made.length, 2)
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=envelope')
})

test('a phone asks for the weights while its drawing pad is shown: a new socket at once, resuming', () => {
  const { conn, socket } = connection('envelope')
  socket().onopen()
  socket().deliver({ type: 'snapshot', run: 2, server: {}, info: { status: 'running' }, buckets: buckets([[1, 40]]) })
  conn.setWeights(true)
  assert.equal(FakeSocket.made.length, 2)
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=envelope&weights=1&since=40&run=2')
  socket().onopen()
  assert.equal(conn.state, 'open') // no "reconnecting" banner for a switch
  conn.setWeights(true) // already asked: no new socket
  conn.setWeights(false)
  assert.equal(socket().url, 'ws://deck.local:8000/ws?detail=envelope&since=40&run=2')
  assert.equal(FakeSocket.made.length, 3)
})
