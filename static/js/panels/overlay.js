// A small selector of earlier runs, to draw one faintly beside the current run.

import { cachedGet, sharedGet } from '../api.js'
import { el } from '../dom.js'
import { ENDED } from '../points.js'
import { overlayLabel } from '../text.js'

// The picked run (with points and epochs, or null) is the picker's `run`, the listed runs
// (newest first) its `runs`; `onChange()` is called when either changes. The list is asked again when a run ends or another starts, so
// the run just finished can be overlaid (not on every reconnect: a hall of phones would
// all ask at once).
/**
 * @param {import('./index.js').PanelContext} context
 * @param {() => void} onChange
 */
export function overlayPicker(context, onChange) {
  /** @type {any} */
  let picked = null
  /** @type {any[]} */
  let listed = []
  const none = () => el('option', { value: '', text: 'Overlay: none' })
  const select = el('select', { class: 'lc-overlay', 'aria-label': 'Overlay an earlier run' }, none())
  const refresh = () =>
    sharedGet('/api/runs')
      .then(({ runs }) => {
        listed = runs
        const chosen = select.value
        select.replaceChildren(none())
        for (const run of runs) {
          if (run.id !== context.buffer.current) select.append(el('option', { value: String(run.id), text: overlayLabel(run) }))
        }
        select.value = [...select.options].some((option) => option.value === chosen) ? chosen : ''
        onChange()
      })
      .catch(() => {})
  select.addEventListener('change', async () => {
    try {
      picked = select.value ? await cachedGet(`/api/runs/${select.value}`) : null
    } catch {
      picked = null
    }
    onChange()
  })
  refresh()
  let current = context.buffer.current
  const unsubscribe = context.subscribe((message) => {
    const started = message.type === 'snapshot' && message.run !== current
    if (started || (message.type === 'status' && ENDED.has(message.status))) {
      current = context.buffer.current
      refresh()
    }
  })
  return {
    select,
    stop: unsubscribe,
    get run() {
      return picked
    },
    get runs() {
      return listed
    },
  }
}
