// The presenter's ×10 and ÷10 beside Stop: the active run's learning rate, changed from its
// next batch (POST /api/runs/{id}/lr), within the server's limits (LrRequest in /openapi.json).

import { api } from './api.js'
import { el } from './dom.js'
import { numberRange } from './train.js'

// The lr's limits from the server's schema; null when this server takes no lr change.
/** @param {any} openapi @returns {{ min?: number, max?: number } | null} */
export function lrLimits(openapi) {
  const lr = openapi?.components?.schemas?.LrRequest?.properties?.lr
  return lr ? numberRange(lr) : null
}

// The run's learning rate now: its last change, else the one it started with.
/** @param {any} run @returns {number | null} */
export function currentLr(run) {
  return run?.lrChanges?.at(-1)?.lr ?? run?.info?.config?.lr ?? null
}

// lr × factor with 12 digits (0.1 × 10 is 1, not 1.0000000000000002), at most the maximum;
// null when it would leave the limits (at or under the exclusive minimum) or not change.
/** @param {number} lr @param {number} factor @param {{ min?: number, max?: number }} limits */
export function nextLr(lr, factor, { min, max }) {
  const next = Math.min(Number((lr * factor).toPrecision(12)), max ?? Infinity)
  return next === lr || (min != null && next <= min) ? null : next
}

/**
 * @param {import('./panels/index.js').PanelContext} context
 * @param {(request: () => Promise<unknown>) => void} act runs a request, says its error
 */
export function lrControls(context, act) {
  /** @type {{ min?: number, max?: number } | null} */
  let limits = null
  // Asked for but not yet in the stream: the next click goes on from it.
  /** @type {{ run: number, lr: number } | null} */
  let asked = null
  const make = (/** @type {string} */ text, /** @type {number} */ factor) => {
    const button = el('button', { class: 'lc-button lc-lr', type: 'button', text })
    button.disabled = true
    button.addEventListener('click', () => {
      const run = context.buffer.active
      const now = run && limits ? lrNow(run) : null
      // as sync() disables the button: no run, no limits or no lr, no request
      const lr = run && limits && now != null ? nextLr(now, factor, limits) : null
      if (!run || lr == null) return
      asked = { run: run.id, lr }
      act(() => api(`/api/runs/${run.id}/lr`, { method: 'POST', body: { lr } }))
    })
    return { button, factor }
  }
  /** @param {any} run */
  const lrNow = (run) => (asked && asked.run === run.id ? asked.lr : currentLr(run))
  const buttons = [make('lr ÷10', 0.1), make('lr ×10', 10)]
  return {
    buttons: buttons.map(({ button }) => button),
    /** @param {any} openapi */
    load(openapi) {
      limits = lrLimits(openapi)
    },
    // Enabled while a run trains; the title says what a click does.
    /** @param {boolean} busy */
    sync(busy) {
      const run = context.buffer.active
      if (asked && currentLr(run) === asked.lr) asked = null
      for (const { button, factor } of buttons) {
        const lr = busy && run && limits ? lrNow(run) : null
        const next = lr == null || !limits ? null : nextLr(lr, factor, limits)
        button.disabled = next == null
        button.title = next == null ? 'Changes the learning rate of a training run' : `lr ${lr} → ${next} from the next batch`
      }
    },
  }
}
