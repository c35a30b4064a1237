// One WebSocket per browser tab, shared by every panel (Slidev mounts slides more than
// once, and the presenter view shows two). Reconnects on its own and resumes with
// `since`, so a chart never shows a gap or a duplicate. `detail`: 'full' (every point,
// the presenter's deck) or 'envelope' (time buckets, the audience's phones).

import { serverPlace } from './api.js'

// A socket that has heard nothing (not even a pong) for this long is dead: phones on
// venue Wi-Fi lose connections without a close frame.
export const PING_MS = 10_000
export const STALE_MS = 25_000

/** @typedef {import('./messages').Message} Message @typedef {(message: Message) => void} Listener @typedef {'connecting' | 'open' | 'reconnecting'} State */

/**
 * The page's address, as far as the stream needs it.
 * @typedef {{ protocol: string, host: string }} Place
 */

/**
 * What the connection needs of a WebSocket (tests pass a fake).
 * @typedef {{ send(data: string): void, close(): void,
 *   onopen: ((event: Event) => void) | null, onmessage: ((event: MessageEvent) => void) | null,
 *   onclose: ((event: CloseEvent) => void) | null }} Socket
 */

/**
 * Timers, and the clock and dice the connection reads (tests run them by hand).
 * @typedef {{ schedule: (fn: () => void, ms: number) => any, cancel: (handle: any) => void,
 *   now: () => number, random: () => number }} Timers
 */

// `weights`: an envelope viewer's opt-in to the model's weights (the audience's drawing pad).
/**
 * @param {Place} location @param {number | null} run @param {number} seq @param {string} [detail]
 * @param {boolean} [weights]
 */
export function streamUrl(location, run, seq, detail = 'full', weights = false) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const resume = run != null && seq > 0 ? `&since=${seq}&run=${run}` : ''
  return `${scheme}//${location.host}/ws?detail=${detail}${weights ? '&weights=1' : ''}${resume}`
}

// The last seq a message carries (points, or buckets up to their last_seq); 0 if none.
/** @param {{ seq?: number[], last_seq?: number[] } | undefined} columns */
function lastSeq(columns) {
  const seq = columns?.last_seq ?? columns?.seq ?? []
  return seq.length ? seq[seq.length - 1] : 0
}

// 250 ms doubling up to 5 s, each wait drawn from its upper half so that a hall full of
// phones does not reconnect in lockstep after a server restart.
/** @param {number} attempt @param {() => number} [random] */
export function backoff(attempt, random = Math.random) {
  const ceiling = Math.min(5000, 250 * 2 ** attempt)
  return Math.round(ceiling * (0.5 + random() / 2))
}

// What the banner says in each state; null when there is nothing to say.
/** @param {string} state a State */
export function stateMessage(state) {
  if (state === 'connecting') return 'Waiting for the loopcast server…'
  if (state === 'reconnecting') return 'Connection to loopcast lost: reconnecting…'
  return null
}

/** @type {Timers} */
const browserTimers = {
  schedule: (fn, ms) => setTimeout(fn, ms),
  cancel: (handle) => clearTimeout(handle),
  now: () => Date.now(),
  random: () => Math.random(),
}

export class Connection {
  // state: 'connecting' until the first open, then 'open' or 'reconnecting'.
  /**
   * @param {{ location: Place, WebSocketImpl: new (url: string) => Socket,
   *   timers?: Partial<Timers>, detail?: string, weights?: boolean }} options
   */
  constructor({ location, WebSocketImpl, timers = browserTimers, detail = 'full', weights = false }) {
    this.location = location
    this.detail = detail
    this.weights = weights
    this.WebSocketImpl = WebSocketImpl
    /** @type {Timers} */
    this.timers = { ...browserTimers, ...timers }
    /** @type {Set<Listener>} */
    this.listeners = new Set()
    /** @type {Set<(state: State) => void>} */
    this.stateListeners = new Set()
    /** @type {State} */
    this.state = 'connecting'
    /** @type {number | null} */
    this.run = null
    this.seq = 0
    this.attempt = 0
    /** @type {Socket | null} */
    this.socket = null
    /** @type {unknown} */
    this.retry = null // a timer handle
    /** @type {unknown} */
    this.watchdog = null
    this.heard = 0
    this.closed = false
  }

  /** @param {Listener} listener */
  subscribe(listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** @param {(state: State) => void} listener */
  onState(listener) {
    this.stateListeners.add(listener)
    listener(this.state)
    return () => this.stateListeners.delete(listener)
  }

  /** @param {State} state */
  setState(state) {
    if (state === this.state) return
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }

  open() {
    if (this.socket || this.closed) return this
    this.retry = null
    const socket = new this.WebSocketImpl(streamUrl(this.location, this.run, this.seq, this.detail, this.weights))
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.heard = this.timers.now()
      this.setState('open')
      this.watch(socket)
    }
    socket.onmessage = (event) => {
      this.heard = this.timers.now()
      let message
      try {
        message = JSON.parse(event.data)
      } catch {
        console.error('loopcast: a stream message that is not JSON was ignored')
        return
      }
      this.receive(message)
    }
    socket.onclose = () => {
      if (this.socket !== socket) return
      this.socket = null
      this.timers.cancel(this.watchdog)
      if (this.closed) return
      if (this.state === 'open') this.setState('reconnecting')
      this.retry = this.timers.schedule(() => this.open(), backoff(this.attempt++, this.timers.random))
    }
    return this
  }

  // Pings now and then; closes a socket that went silent so that onclose reconnects.
  /** @param {Socket} socket */
  watch(socket) {
    this.watchdog = this.timers.schedule(() => {
      if (this.socket !== socket) return
      if (this.timers.now() - this.heard > STALE_MS) {
        socket.close()
        return
      }
      socket.send(JSON.stringify({ type: 'ping' }))
      this.watch(socket)
    }, PING_MS)
  }

  // The network came back (or the phone woke up): try at once instead of waiting.
  reconnectNow() {
    if (this.socket || this.closed || this.retry == null) return
    this.timers.cancel(this.retry)
    this.attempt = 0
    this.open()
  }

  // Where the stream stands, so a reconnect asks for exactly what comes next.
  /** @param {Message} message */
  track(message) {
    if (message.type === 'snapshot') {
      this.run = message.run
      this.seq = lastSeq(message.buckets ?? message.points) || (message.since ?? 0)
    } else if ((message.type === 'points' || message.type === 'buckets') && message.run === this.run) {
      this.seq = Math.max(this.seq, lastSeq(message))
    }
  }

  /** @param {Message} message */
  receive(message) {
    this.track(message)
    for (const listener of this.listeners) {
      try {
        listener(message)
      } catch (error) {
        console.error('loopcast: a stream listener failed', error)
      }
    }
  }

  // Opens a new socket at once that asks for the weights (or no longer does), resuming with
  // `since`: a phone's drawing pad wants them only while it is on screen.
  /** @param {boolean} weights */
  setWeights(weights) {
    if (weights === this.weights) return
    this.weights = weights
    if (!this.socket) return // the next (re)connect asks as it should
    const socket = this.socket
    this.socket = null
    this.timers.cancel(this.watchdog)
    socket.close()
    this.open()
  }

  // After a gap (which should never happen) start over from a full snapshot.
  resync() {
    this.run = null
    this.seq = 0
    this.socket?.close()
  }

  close() {
    this.closed = true
    this.timers.cancel(this.retry)
    this.socket?.close()
  }
}

/** @type {Connection | null} */
let shared = null

// The first call opens the tab's connection at its `detail`; later calls share it.
/** @param {string} [detail] @returns {Connection} */
export function sharedConnection(detail = 'full') {
  if (!shared) {
    const connection = new Connection({ location: serverPlace(window.location), WebSocketImpl: window.WebSocket, detail }).open()
    shared = connection
    const wake = () => connection.reconnectNow()
    window.addEventListener('online', wake)
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') wake()
    })
  }
  return shared
}
