// The model's mistakes after each epoch (the stream's `eval` message): the 10x10 confusion
// matrix as a heat map, and a gallery of misclassified test digits with what it read.

import { api } from '../api.js'
import { el, setText } from '../dom.js'
import { paintDigit } from '../draw.js'
import { percent } from '../text.js'
import { base64Bytes } from '../model/weights.js'
import { listen } from './demo.js'

const CLASSES = 10

// Test images by dataset and index, once per tab: the next epoch's gallery mostly asks again.
/** @type {Map<string, Float32Array>} */
const images = new Map()

// The missing images of `indices`, in one request; the cache is filled as they come.
/** @param {string} dataset @param {number[]} indices */
async function fetchImages(dataset, indices) {
  const missing = indices.filter((index) => !images.has(`${dataset}:${index}`))
  if (!missing.length) return
  const answer = await api(`/api/demo/test-images?dataset=${dataset}&indices=${missing.join(',')}`)
  const pixels = base64Bytes(answer.images)
  missing.forEach((index, i) => images.set(`${dataset}:${index}`, Float32Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255)))
}

// Each cell's share of its row (the true class), the square root so a few errors show.
/** @param {number[][]} confusion */
export function heat(confusion) {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0) || 1
    return row.map((count) => Math.sqrt(count / total))
  })
}

/** @param {number[][]} confusion */
function heatMap(confusion) {
  const shares = heat(confusion)
  const header = el('tr', {}, el('th', { text: 'true ↓ read →' }), ...confusion[0].map((_, c) => el('th', { scope: 'col', text: String(c) })))
  const rows = confusion.map((row, r) =>
    el('tr', {}, el('th', { scope: 'row', text: String(r) }), ...row.map((count, c) => {
      const cell = el('td', { class: r === c ? 'lc-hit' : 'lc-miss', text: String(count) })
      cell.style.setProperty('--lc-heat', shares[r][c].toFixed(3))
      return cell
    })),
  )
  return el('table', { class: 'lc-confusion', 'aria-label': 'Confusion matrix: true class by row, predicted by column' }, header, ...rows)
}

/** @param {string} dataset @param {{ index: number, label: number, top3: [number, number][] }} mistake */
function tile(dataset, mistake) {
  const canvas = el('canvas', { class: 'lc-mistake-image' })
  const image = images.get(`${dataset}:${mistake.index}`)
  if (image) paintDigit(canvas, image)
  const [read, probability] = mistake.top3[0]
  const caption = el('figcaption', { text: `${mistake.label} → ${read} (${percent(probability)})` })
  return el('figure', { class: 'lc-mistake', title: `test image ${mistake.index}` }, canvas, caption)
}

/** @type {import('./index.js').Build} */
export function mistakes(element, context) {
  const note = el('p', { class: 'lc-note' })
  const matrix = el('div', { class: 'lc-confusion-box' })
  const gallery = el('div', { class: 'lc-mistakes' })
  element.append(note, el('div', { class: 'lc-insides' }, matrix, gallery))
  /** @type {any} */
  let shown // undefined: nothing drawn yet, not even the note
  let stopped = false
  const draw = () => {
    const evaluation = context.buffer.active?.eval ?? null
    if (evaluation === shown) return
    shown = evaluation
    if (!evaluation) {
      setText(note, 'After each epoch: the confusion matrix on the 10,000 test images, and digits it got wrong.')
      matrix.replaceChildren()
      gallery.replaceChildren()
      return
    }
    const right = evaluation.confusion.reduce((sum, row, r) => sum + row[r], 0)
    const total = evaluation.confusion.flat().reduce((a, b) => a + b, 0)
    setText(note, `Epoch ${evaluation.epoch}: ${right.toLocaleString('en')} of ${total.toLocaleString('en')} test digits right; some it got wrong:`)
    matrix.replaceChildren(heatMap(evaluation.confusion.slice(0, CLASSES)))
    const dataset = context.buffer.active?.info?.config?.dataset ?? 'mnist'
    const show = () => !stopped && shown === evaluation && gallery.replaceChildren(...evaluation.mistakes.map((m) => tile(dataset, m)))
    show()
    fetchImages(dataset, evaluation.mistakes.map((/** @type {{ index: number }} */ m) => m.index)).then(show, (error) => {
      if (!stopped) setText(note, `The mistakes' images did not load (${error.message}); they come with the next epoch.`)
    })
  }
  const unsubscribe = listen(context, draw)
  return () => {
    stopped = true
    unsubscribe()
  }
}
