// A live state that holds the last finished run instead of a stream: what the deck's live
// panels show in a printed or exported deck (`slidev export`: a PDF does not train), from
// loopcast's API. The panels take it as they take the tab's live state (live.js).

import { api } from './api.js'
import { createLive } from './live.js'

// The stream's snapshot of a run, made from the API's answers (a run's details carry its
// points as the snapshot's columns, and its epochs).
/** @param {any} server GET /api/status @param {any} run GET /api/runs/{id}, or null */
export function recordedSnapshot(server, run) {
  if (!run) return { type: 'snapshot', server, slide: null, run: null }
  const { points, ...info } = run
  return { type: 'snapshot', server, slide: null, run: run.id, info, points }
}

// A connection that delivers one snapshot and never changes: open, nothing to resume.
/** @param {object} snapshot */
function recordedConnection(snapshot) {
  return {
    state: /** @type {const} */ ('open'),
    detail: 'full', // as the deck's stream: digit.js asks no weights of it
    setWeights() {},
    /** @param {(message: any) => void} listener */
    subscribe(listener) {
      listener(snapshot)
      return () => {}
    },
    /** @param {(state: import('./connection.js').State) => void} listener */
    onState(listener) {
      listener('open')
      return () => {}
    },
    resync() {},
  }
}

/** @param {(path: string) => Promise<any>} request @returns {Promise<ReturnType<typeof createLive>>} */
async function load(request) {
  const [server, { runs }] = await Promise.all([request('/api/status'), request('/api/runs')])
  const last = runs.find((/** @type {any} */ run) => run.status === 'finished' && run.last_seq > 0)
  const run = last ? await request(`/api/runs/${last.id}`) : null
  return createLive(recordedConnection(recordedSnapshot(server, run)))
}

/** @type {Promise<ReturnType<typeof createLive>> | null} */
let shared = null

// Asked once per tab, however many panels the printed deck mounts.
/** @param {(path: string) => Promise<any>} [request] */
export function recordedLive(request = api) {
  if (!shared) {
    shared = load(request)
    shared.catch(() => {
      shared = null // loopcast was away: the next panel asks again
    })
  }
  return shared
}
