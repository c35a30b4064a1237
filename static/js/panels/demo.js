// What several panels share: following the stream, and loading a demo result from the API.

import { cachedGet } from '../api.js'
import { setText } from '../dom.js'
import { WAITING } from '../text.js'

/** @typedef {import('./index.js').PanelContext} PanelContext */

const RETRY_MS = 5000

// Calls onChange now and on every stream message; returns unsubscribe().
/** @param {PanelContext} context @param {(message: { type: string }) => void} onChange */
export function listen(context, onChange) {
  const unsubscribe = context.subscribe(onChange)
  onChange({ type: 'mount' })
  return unsubscribe
}

// Loads a demo result once; until loopcast answers, says so and tries again (at once when
// the stream reconnects, else every few seconds). Returns stop().
/**
 * @template T
 * @param {PanelContext} context
 * @param {string} path
 * @param {HTMLElement} note where a failure is said
 * @param {(result: T) => void} show
 * @returns {() => void}
 */
export function demo(context, path, note, show) {
  let stopped = false
  let done = false
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer
  const load = () => {
    clearTimeout(timer)
    cachedGet(path)
      .then((result) => {
        if (stopped || done) return
        done = true
        show(result)
      })
      .catch((error) => {
        if (stopped) return
        setText(note, error.unreachable ? WAITING : `${error.message}: trying again…`)
        timer = setTimeout(load, RETRY_MS)
      })
  }
  load()
  let now = true // onState reports the current state at once: that load is under way
  const unsubscribe = context.connection.onState((state) => {
    if (!now && state === 'open' && !done) load()
  })
  now = false
  return () => {
    stopped = true
    clearTimeout(timer)
    unsubscribe()
  }
}
