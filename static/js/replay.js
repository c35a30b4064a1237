// The presenter's Replay beside Train: a recorded run streamed again through the same
// charts at its recorded pace times `speed` (POST /api/runs/{id}/replay). The run replayed
// is the one picked in the overlay picker, else the latest finished one. The speed's
// limits are the server's (its /openapi.json), as the Train form's are.

import { api } from './api.js'
import { el } from './dom.js'
import { ENDED } from './points.js'
import { numberRange } from './train.js'

export const REPLAY_PATH = '/api/runs/{run_id}/replay'

// The speed input's limits and default from the replay endpoint's request body, or null
// when this server has no replay (an older loopcast): then the form offers none.
/** @param {any} openapi @returns {{ min?: number, max?: number, value: string } | null} */
export function speedField(openapi) {
  const body = openapi?.paths?.[REPLAY_PATH]?.post?.requestBody?.content?.['application/json']?.schema
  if (!body) return null
  const ref = [body, ...(body.anyOf ?? [])].find((branch) => branch.$ref)?.$ref ?? ''
  const speed = openapi.components?.schemas?.[ref.split('/').at(-1)]?.properties?.speed
  if (!speed) return null
  const { min, max } = numberRange(speed)
  return { min, max, value: String(speed.default ?? min ?? 1) }
}

// The run to replay: the overlay's pick when it has ended, else the newest finished run
// (`runs` newest first, as GET /api/runs lists them).
/** @param {any} picked @param {any[]} runs */
export function replayTarget(picked, runs) {
  if (picked && ENDED.has(picked.status) && picked.last_seq > 0) return picked
  return runs.find((run) => run.status === 'finished' && run.last_seq > 0) ?? null
}

/**
 * @param {{ run: any, runs: any[] }} picker the overlay picker (panels/overlay.js)
 * @param {(request: () => Promise<unknown>) => void} act runs a request, says its error
 */
export function replayControls(picker, act) {
  const speed = el('input', { name: 'speed', type: 'number', step: 'any', title: 'Times the recorded pace' })
  const label = el('label', { class: 'lc-replay-speed' }, el('span', { text: 'speed ×' }), speed)
  const button = el('button', { class: 'lc-button lc-replay-button', type: 'button', text: 'Replay' })
  let described = false // the server's schema has the replay endpoint
  label.hidden = button.hidden = true
  button.addEventListener('click', () => {
    const target = replayTarget(picker.run, picker.runs)
    if (target) act(() => api(`/api/runs/${target.id}/replay`, { method: 'POST', body: { speed: Number(speed.value) } }))
  })
  return {
    label,
    button,
    /** @param {any} openapi */
    load(openapi) {
      const field = speedField(openapi)
      if (!field) return
      if (field.min != null) speed.min = String(field.min)
      if (field.max != null) speed.max = String(field.max)
      speed.value = field.value
      described = true
    },
    // Offered once the server describes its replay and there is a run to replay.
    /** @param {boolean} busy */
    sync(busy) {
      const target = replayTarget(picker.run, picker.runs)
      label.hidden = button.hidden = !described || !target
      button.disabled = busy
      button.title = target ? `Replay run ${target.id}` : ''
    },
  }
}
