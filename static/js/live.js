// The tab's live state: the shared connection feeding one RunBuffer, then the panels.
// Panels subscribe here, so they always read a buffer that already holds the message.

import { sharedConnection } from './connection.js'
import { RunBuffer } from './points.js'

export function createLive(connection) {
  const buffer = new RunBuffer()
  const listeners = new Set()
  connection.subscribe((message) => {
    if (buffer.apply(message) === 'gap') connection.resync()
    for (const listener of listeners) listener(message)
  })
  return {
    connection,
    buffer,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

let shared = null

// `detail`: 'full' for the presenter's deck, 'envelope' for the audience; the first call
// decides (each page makes it once, at start).
export function sharedLive(detail = 'full') {
  if (!shared) {
    shared = createLive(sharedConnection(detail))
    globalThis.loopcast = shared // for the console and the browser tests: read, don't write
  }
  return shared
}
