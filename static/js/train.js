// The presenter's Train form above the live chart: model, optimizer, lr, batch, epochs and
// pace (seconds the run is stretched to; 0 = as fast as the device goes), then Train/Stop.

import { api } from './api.js'
import { el, setText } from './dom.js'

export const MAX_PACE_S = 600

// The form's pace for a slide's frontmatter `pace`: whole seconds within what the server
// takes (0, or 1..600), 0 when the slide asks for none.
export function paceValue(value) {
  const pace = Math.round(Number(value))
  return Number.isFinite(pace) && pace > 0 ? Math.min(pace, MAX_PACE_S) : 0
}

export function trainControls(context) {
  const field = (label, input) => el('label', {}, el('span', { text: label }), input)
  const choice = (name, values) => {
    const select = el('select', { name })
    for (const value of values) select.append(el('option', { value, text: value }))
    return select
  }
  const inputs = {
    model: choice('model', ['mlp', 'cnn']),
    optimizer: choice('optimizer', ['adam', 'sgd']),
    lr: el('input', { name: 'lr', type: 'number', value: '0.001', step: 'any', min: '0' }),
    batch_size: el('input', { name: 'batch_size', type: 'number', value: '64', min: '1', max: '8192' }),
    epochs: el('input', { name: 'epochs', type: 'number', value: '3', min: '1', max: '50' }),
    pace_s: el('input', {
      name: 'pace_s',
      type: 'number',
      value: String(paceValue(context.pace)),
      min: '0',
      max: String(MAX_PACE_S),
      step: '1',
      title: 'Seconds the run should last (0: as fast as the device goes)',
    }),
  }
  const train = el('button', { class: 'lc-button lc-train', type: 'button', text: 'Train' })
  const stop = el('button', { class: 'lc-button lc-stop', type: 'button', text: 'Stop' })
  const message = el('span', { class: 'lc-error', role: 'status' })
  const act = async (request) => {
    setText(message, '')
    try {
      await request()
    } catch (error) {
      setText(message, error.message)
    }
  }
  train.addEventListener('click', () =>
    act(() =>
      api('/api/runs', {
        method: 'POST',
        body: {
          model: inputs.model.value,
          optimizer: inputs.optimizer.value,
          lr: Number(inputs.lr.value),
          batch_size: Number(inputs.batch_size.value),
          epochs: Number(inputs.epochs.value),
          pace_s: Number(inputs.pace_s.value),
        },
      }),
    ),
  )
  stop.addEventListener('click', () => {
    const run = context.buffer.active
    if (run) act(() => api(`/api/runs/${run.id}/stop`, { method: 'POST' }))
  })
  const node = el(
    'div',
    { class: 'lc-controls' },
    field('model', inputs.model),
    field('optimizer', inputs.optimizer),
    field('lr', inputs.lr),
    field('batch', inputs.batch_size),
    field('epochs', inputs.epochs),
    field('pace (s)', inputs.pace_s),
    el('div', { class: 'lc-buttons' }, train, stop),
    message,
  )
  // Train while nothing runs, Stop while something does.
  const sync = () => {
    const status = context.buffer.active?.status
    const busy = status === 'running' || status === 'queued'
    train.disabled = busy || !context.buffer.server
    stop.disabled = !busy
  }
  return { node, sync }
}
