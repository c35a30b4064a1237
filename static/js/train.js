// The presenter's Train form above the live chart: model, optimizer, lr, batch, epochs and
// pace (seconds the run is stretched to; 0 = as fast as the device goes), then Train/Stop.
// Defaults, choices and limits are the server's own (TrainConfig in /openapi.json, asked
// once per tab): the form copies none of them.

import { api } from './api.js'
import { el, setText } from './dom.js'
import { demo } from './panels/demo.js'
import { lrControls } from './lrbuttons.js'
import { replayControls } from './replay.js'

export const SCHEMA = '/openapi.json'
// Which datasets this server has; a missing one is greyed out with what to install.
export const DATASETS = '/api/datasets'

// The fields shown, in order; every other field of a run keeps the server's default.
const FIELDS = [
  { name: 'model', label: 'model' },
  { name: 'optimizer', label: 'optimizer' },
  { name: 'lr', label: 'lr' },
  { name: 'batch_size', label: 'batch' },
  { name: 'epochs', label: 'epochs' },
  { name: 'dataset', label: 'data' },
  { name: 'pace_s', label: 'pace (s)', whole: true, title: 'Seconds the run should last (0: as fast as the device goes)' },
]

/**
 * A JSON schema property, as pydantic writes it (only what the form reads).
 * @typedef {{ type?: string, default?: any, enum?: string[], minimum?: number,
 *   exclusiveMinimum?: number, maximum?: number, anyOf?: Property[] }} Property
 */

/**
 * One input of the form.
 * @typedef {{ name: string, label: string, value: string, title?: string,
 *   choices?: string[], min?: number, max?: number, step?: string }} Field
 */

// The range a number property allows; `anyOf` (pace: 0, or 1..600) spans its branches.
/** @param {Property} property @returns {{ min?: number, max?: number, integer: boolean }} */
export function numberRange(property) {
  const branches = property.anyOf ?? [property]
  const lows = branches.map((b) => b.minimum ?? b.exclusiveMinimum).filter((v) => v != null)
  const highs = branches.map((b) => b.maximum).filter((v) => v != null)
  return {
    min: lows.length ? Math.min(...lows) : undefined,
    max: highs.length ? Math.max(...highs) : undefined,
    integer: branches.every((b) => b.type === 'integer'),
  }
}

// The form's pace for a slide's frontmatter `pace`: whole seconds up to what the server
// takes, 0 when the slide asks for none.
/** @param {unknown} value @param {number} max */
export function paceValue(value, max) {
  const pace = Math.round(Number(value))
  return Number.isFinite(pace) && pace > 0 ? Math.min(pace, max) : 0
}

// The form's fields from the OpenAPI document; `pace` is the slide's default pace.
/** @param {any} openapi @param {number} [pace] @returns {Field[]} */
export function trainFields(openapi, pace) {
  const properties = openapi?.components?.schemas?.TrainConfig?.properties
  if (!properties) throw new Error('the server did not describe TrainConfig in its /openapi.json')
  return FIELDS.map(({ name, label, whole, title }) => {
    /** @type {Property} */
    const property = properties[name]
    if (property.enum) return { name, label, title, choices: property.enum, value: String(property.default ?? property.enum[0]) }
    const { min, max, integer } = numberRange(property)
    const value = whole && pace !== undefined ? paceValue(pace, max ?? Infinity) : property.default
    return { name, label, title, min, max, step: integer || whole ? '1' : 'any', value: String(value ?? '') }
  })
}

/**
 * The server's answer at DATASETS.
 * @typedef {{ datasets: { name: string, available: boolean, reason: string | null }[] }} DatasetStates
 */

// Greys out the datasets this server cannot train on, saying why: the API would refuse them.
/** @param {{ options: ArrayLike<{ value: string, disabled: boolean, title: string, textContent: string | null }> }} select @param {DatasetStates} answer */
export function markUnavailable(select, answer) {
  for (const option of Array.from(select.options)) {
    const state = answer.datasets.find(({ name }) => name === option.value)
    if (!state || state.available) continue
    option.disabled = true
    option.title = state.reason ?? 'not installed on this server'
    option.textContent = `${option.value} (not installed)`
  }
}

/** @param {Field} field */
function input(field) {
  if (field.choices) {
    const select = el('select', { name: field.name })
    for (const value of field.choices) select.append(el('option', { value, text: value }))
    select.value = field.value
    return select
  }
  /** @type {Record<string, string>} */
  const attributes = { name: field.name, type: 'number', value: field.value, step: field.step ?? 'any' }
  if (field.min != null) attributes.min = String(field.min)
  if (field.max != null) attributes.max = String(field.max)
  if (field.title) attributes.title = field.title
  return el('input', attributes)
}

// `picker`: the overlay picker, whose runs Replay offers.
/** @param {import('./panels/index.js').PanelContext} context @param {{ run: any, runs: any[] }} picker */
export function trainControls(context, picker) {
  /** @type {(HTMLInputElement | HTMLSelectElement)[]} */
  let inputs = []
  const train = el('button', { class: 'lc-button lc-train', type: 'button', text: 'Train' })
  const stop = el('button', { class: 'lc-button lc-stop', type: 'button', text: 'Stop' })
  const message = el('span', { class: 'lc-error', role: 'status' })
  /** @param {() => Promise<unknown>} request */
  const act = async (request) => {
    setText(message, '')
    try {
      await request()
    } catch (error) {
      setText(message, error instanceof Error ? error.message : String(error))
    }
  }
  const replay = replayControls(picker, act)
  const lr = lrControls(context, act)
  const buttons = el('div', { class: 'lc-buttons' }, train, stop, ...lr.buttons, replay.button)
  const node = el('div', { class: 'lc-controls' }, buttons, replay.label, message)
  train.addEventListener('click', () => {
    const body = Object.fromEntries(inputs.map((field) => [field.name, field instanceof HTMLSelectElement ? field.value : Number(field.value)]))
    act(() => api('/api/runs', { method: 'POST', body }))
  })
  stop.addEventListener('click', () => {
    const run = context.buffer.active
    if (run) act(() => api(`/api/runs/${run.id}/stop`, { method: 'POST' }))
  })
  // Train while nothing runs (and the form is there), Stop while something does.
  const sync = () => {
    const status = context.buffer.active?.status
    const busy = status === 'running' || status === 'queued'
    train.disabled = busy || !context.buffer.server || !inputs.length
    stop.disabled = !busy
    lr.sync(busy)
    replay.sync(busy || !context.buffer.server)
  }
  /** @type {DatasetStates | undefined} */
  let datasets
  const markDatasets = () => {
    const select = inputs.find((field) => field.name === 'dataset')
    if (datasets && select instanceof HTMLSelectElement) markUnavailable(select, datasets)
  }
  const stopDatasets = demo(context, DATASETS, message, (/** @type {DatasetStates} */ answer) => {
    datasets = answer
    markDatasets()
  })
  const stopSchema = demo(context, SCHEMA, message, (openapi) => {
    try {
      const fields = trainFields(openapi, context.pace)
      inputs = fields.map(input)
      markDatasets()
      buttons.before(...fields.map((field, i) => el('label', {}, el('span', { text: field.label }), inputs[i])))
      replay.load(openapi)
      lr.load(openapi)
      setText(message, '')
    } catch (error) {
      setText(message, error instanceof Error ? error.message : String(error))
    }
    sync()
  })
  sync()
  const stopLoading = () => {
    stopSchema()
    stopDatasets()
  }
  return { node, sync, stop: stopLoading }
}
