// The tab's live state: the shared connection feeding one RunBuffer, then the panels.
// Panels subscribe here, so they always read a buffer that already holds the message.

import { sharedConnection } from './connection.js'
import { RunBuffer } from './points.js'

/** @typedef {import('./messages').Message} Message @typedef {(message: Message) => void} Listener */

/**
 * What the live state reads from: the stream's Connection, or recorded.js's fixed one.
 * @typedef {{ subscribe(listener: Listener): () => unknown, resync(): void, detail: string,
 *   state: import('./connection.js').State,
 *   onState(listener: (state: import('./connection.js').State) => void): () => unknown,
 *   setWeights(weights: boolean): void }} Source
 */

/** @param {Source} connection */
export function createLive(connection) {
  const buffer = new RunBuffer()
  /** @type {Set<Listener>} */
  const listeners = new Set()
  connection.subscribe((message) => {
    if (buffer.apply(message) === 'gap') connection.resync()
    for (const listener of listeners) listener(message)
  })
  return {
    connection,
    buffer,
    /** @param {Listener} listener @returns {() => void} */
    subscribe(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

/** @type {ReturnType<typeof createLive> | null} */
let shared = null

// `detail`: 'full' for the presenter's deck, 'envelope' for the audience; the first call
// decides (each page makes it once, at start).
export function sharedLive(detail = 'full') {
  if (!shared) {
    shared = createLive(sharedConnection(detail))
    Object.assign(globalThis, { loopcast: shared }) // for the console and the browser tests: read, don't write
  }
  return shared
}
