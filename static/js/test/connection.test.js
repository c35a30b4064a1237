import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Connection, backoff, streamUrl } from '../connection.js'
import { createLive } from '../live.js'

class FakeSocket {
  static made = []
  constructor(url) {
    this.url = url
    FakeSocket.made.push(this)
  }
  close() {
    this.onclose?.()
  }
  deliver(message) {
    this.onmessage({ data: JSON.stringify(message) })
  }
}

function connection() {
  FakeSocket.made = []
  const timers = []
  const conn = new Connection({
    location: { protocol: 'http:', host: 'deck.local:8000' },
    WebSocketImpl: FakeSocket,
    schedule: (fn, ms) => timers.push({ fn, ms }),
  })
  return { conn: conn.open(), timers }
}

test('stream URL resumes only with a run and a seq', () => {
  const location = { protocol: 'https:', host: 'h:1' }
  assert.equal(streamUrl(location, null, 0), 'wss://h:1/ws')
  assert.equal(streamUrl(location, 3, 0), 'wss://h:1/ws')
  assert.equal(streamUrl(location, 3, 120), 'wss://h:1/ws?since=120&run=3')
})

test('backoff grows and is capped', () => {
  assert.deepEqual([0, 1, 2, 3, 10].map(backoff), [250, 500, 1000, 2000, 5000])
})

test('a reconnect resumes after the last point received', () => {
  const { conn, timers } = connection()
  const states = []
  conn.onState((state) => states.push(state))
  const socket = FakeSocket.made[0]
  socket.onopen()
  socket.deliver({ type: 'snapshot', run: 7, since: 0, points: { seq: [1, 2, 3] } })
  socket.deliver({ type: 'points', run: 7, seq: [4, 5] })
  socket.close()
  assert.deepEqual(states, ['connecting', 'open', 'reconnecting'])
  assert.equal(timers.length, 1)
  timers[0].fn()
  assert.equal(FakeSocket.made[1].url, 'ws://deck.local:8000/ws?since=5&run=7')
})

test('a snapshot without points keeps its since as the cursor', () => {
  const { conn } = connection()
  FakeSocket.made[0].deliver({ type: 'snapshot', run: 2, since: 40, points: { seq: [] } })
  assert.equal(conn.seq, 40)
})

test('resync starts over from a full snapshot', () => {
  const { conn, timers } = connection()
  FakeSocket.made[0].deliver({ type: 'snapshot', run: 2, since: 0, points: { seq: [1] } })
  conn.resync()
  timers[0].fn()
  assert.equal(FakeSocket.made[1].url, 'ws://deck.local:8000/ws')
})

test('open() is a singleton per connection and close() stops reconnecting', () => {
  const { conn, timers } = connection()
  conn.open()
  assert.equal(FakeSocket.made.length, 1)
  conn.close()
  assert.equal(timers.length, 0)
})

test('live state: the buffer is updated before panels hear of a message', () => {
  const { conn } = connection()
  const live = createLive(conn)
  const seen = []
  live.subscribe(() => seen.push(live.buffer.active?.series.length))
  const points = { seq: [1, 2], step: [1, 2], epoch: [1, 1], loss: [1, 1], acc: [0, 1], t: [0, 1] }
  FakeSocket.made[0].deliver({ type: 'snapshot', run: 1, since: 0, info: { status: 'running' }, points })
  assert.deepEqual(seen, [2])
})
