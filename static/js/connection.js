// One WebSocket per browser tab, shared by every panel (Slidev mounts slides more than
// once, and the presenter view shows two). Reconnects on its own and resumes with
// `since`, so a chart never shows a gap or a duplicate.

export function streamUrl(location, run, seq) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const query = run != null && seq > 0 ? `?since=${seq}&run=${run}` : ''
  return `${scheme}//${location.host}/ws${query}`
}

export function backoff(attempt) {
  return Math.min(5000, 250 * 2 ** attempt)
}

export class Connection {
  constructor({ location, WebSocketImpl, schedule = (fn, ms) => setTimeout(fn, ms) }) {
    this.location = location
    this.WebSocketImpl = WebSocketImpl
    this.schedule = schedule
    this.listeners = new Set()
    this.stateListeners = new Set()
    this.state = 'connecting'
    this.run = null
    this.seq = 0
    this.attempt = 0
    this.socket = null
    this.closed = false
  }

  subscribe(listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onState(listener) {
    this.stateListeners.add(listener)
    listener(this.state)
    return () => this.stateListeners.delete(listener)
  }

  setState(state) {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }

  open() {
    if (this.socket || this.closed) return this
    const socket = new this.WebSocketImpl(streamUrl(this.location, this.run, this.seq))
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      this.setState('open')
    }
    socket.onmessage = (event) => this.receive(JSON.parse(event.data))
    socket.onclose = () => {
      this.socket = null
      if (this.closed) return
      this.setState('reconnecting')
      this.schedule(() => this.open(), backoff(this.attempt++))
    }
    return this
  }

  // Where the stream stands, so a reconnect asks for exactly what comes next.
  track(message) {
    if (message.type === 'snapshot') {
      this.run = message.run
      const seq = message.points?.seq ?? []
      this.seq = seq.length ? seq[seq.length - 1] : (message.since ?? 0)
    } else if (message.type === 'points' && message.run === this.run) {
      this.seq = message.seq[message.seq.length - 1]
    }
  }

  receive(message) {
    this.track(message)
    for (const listener of this.listeners) listener(message)
  }

  // After a gap (which should never happen) start over from a full snapshot.
  resync() {
    this.run = null
    this.seq = 0
    this.socket?.close()
  }

  close() {
    this.closed = true
    this.socket?.close()
  }
}

let shared = null

export function sharedConnection() {
  if (!shared) {
    shared = new Connection({ location: window.location, WebSocketImpl: window.WebSocket }).open()
  }
  return shared
}
