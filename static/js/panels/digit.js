// Your digit, read by the model training on stage: a drawing pad, the 28x28 image the model
// sees, and its top 3 classes as bars. The forward pass runs here, from the weights the
// server publishes (every 2 s during a run), so a crowd costs the server nothing more.

import { el, setText } from '../dom.js'
import { drawingPad, paintDigit } from '../draw.js'
import { loadModel, softmax, topClasses } from '../model/forward.js'
import { mnistImage, normalise } from '../model/preprocess.js'
import { percent } from '../text.js'
import { listen } from './demo.js'

const WAITING_WEIGHTS = 'Waiting for the model: its weights come every few seconds while a run trains.'

/** @param {number} rank */
function barRow(rank) {
  const label = el('span', { class: 'lc-bar-label' })
  const fill = el('span', { class: 'lc-bar-fill' })
  const value = el('span', { class: 'lc-bar-value' })
  const row = el('li', { class: `lc-bar lc-bar-${rank}` }, label, el('span', { class: 'lc-bar-track' }, fill), value)
  /** @param {[number, number] | undefined} entry */
  const show = (entry) => {
    setText(label, entry ? String(entry[0]) : '')
    setText(value, entry ? percent(entry[1]) : '')
    fill.style.width = `${entry ? entry[1] * 100 : 0}%`
  }
  return { row, show }
}

/** @type {import('./index.js').Build} */
export function digit(element, context) {
  const pad = drawingPad(() => predict())
  const seen = el('canvas', { class: 'lc-draw-seen', 'aria-label': 'What the model sees: 28x28' })
  const bars = [0, 1, 2].map(barRow)
  const verdict = el('p', { class: 'lc-draw-verdict', role: 'status' })
  const status = el('p', { class: 'lc-note lc-draw-status' })
  element.append(
    el('p', { class: 'lc-note', text: 'Draw a digit: the model training on stage reads it, on this device.' }),
    el('div', { class: 'lc-draw' },
      el('div', { class: 'lc-draw-pad' }, pad.canvas, pad.clear),
      el('div', { class: 'lc-draw-result' }, seen, el('ol', { class: 'lc-bars' }, ...bars.map((bar) => bar.row)), verdict),
    ),
    status,
  )
  // A phone (an envelope stream) asks for the weights only while the pad is on screen;
  // the deck's full stream carries them anyway.
  const phone = context.connection.detail === 'envelope'
  if (phone) context.connection.setWeights(true)
  /** @type {any} */
  let loading = null
  /** @type {{ message: any, model: Awaited<ReturnType<typeof loadModel>> } | null} */
  let loaded = null
  let stopped = false

  // Decodes the newest weights (once each), then predicts with them.
  function follow() {
    const message = context.buffer.active?.weights ?? null
    if (message && message !== loading) {
      loading = message
      loadModel(message).then(
        (model) => {
          if (stopped || loading !== message) return
          loaded = { message, model }
          predict()
        },
        (error) => setText(status, `These weights could not be read (${error.message}); waiting for the next.`),
      )
    }
    predict()
  }

  function predict() {
    const message = loaded?.message
    setText(status, message ? `The model at batch ${message.seq} of run ${message.run} (${message.model}).` : WAITING_WEIGHTS)
    const image = mnistImage(pad.ink())
    paintDigit(seen, image ?? new Float32Array(28 * 28))
    const top = image && loaded ? topClasses(softmax(loaded.model.logits(normalise(image, message)))) : []
    bars.forEach((bar, rank) => bar.show(top[rank]))
    setText(verdict, top.length ? `The model reads ${top[0][0]}` : image ? '' : 'Draw a digit with your finger.')
  }
  const unsubscribe = listen(context, (message) => {
    if (['mount', 'snapshot', 'weights'].includes(message.type)) follow()
  })
  return () => {
    stopped = true
    unsubscribe()
    if (phone) context.connection.setWeights(false)
  }
}
