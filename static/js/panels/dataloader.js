// A real batch of the server's DataLoader (GET /api/demo/batch): its shapes and its 64
// digits with their labels; "Next batch" asks for the next shuffled one.

import { el, setText } from '../dom.js'
import { WAITING, tuple } from '../text.js'
import { demo } from './demo.js'

/** @param {Uint8Array} pixels 28×28, row-major @param {number} label */
function digit(pixels, label) {
  const canvas = el('canvas', { width: '28', height: '28', class: 'lc-digit' })
  const context = canvas.getContext('2d')
  if (context) {
    const image = context.createImageData(28, 28)
    pixels.forEach((value, i) => {
      image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = value
      image.data[i * 4 + 3] = 255
    })
    context.putImageData(image, 0, 0)
  }
  return el('figure', {}, canvas, el('figcaption', { text: String(label) }))
}

/** @type {import('./index.js').Build} */
export function dataloader(element, context) {
  let index = 0
  let stopDemo = () => {}
  const shapes = el('p', { class: 'lc-shapes', text: WAITING })
  const next = el('button', { class: 'lc-button', type: 'button', text: 'Next batch' })
  const grid = el('div', { class: 'lc-batch' })
  element.append(el('div', { class: 'lc-row' }, shapes, next), grid)
  const show = () => {
    stopDemo()
    /** @param {{ shape: number[], labels_shape: number[], index: number, images: string, labels: number[] }} batch */
    const shown = (batch) => {
      setText(shapes, `images.shape = ${tuple(batch.shape)}   labels.shape = ${tuple(batch.labels_shape)}   batch ${batch.index}`)
      const pixels = Uint8Array.from(atob(batch.images), (c) => c.charCodeAt(0))
      grid.replaceChildren(...batch.labels.map((label, i) => digit(pixels.subarray(i * 784, (i + 1) * 784), label)))
    }
    stopDemo = demo(context, `/api/demo/batch?dataset=mnist&index=${index}`, shapes, shown)
  }
  next.addEventListener('click', () => {
    index += 1
    show()
  })
  show()
  return () => stopDemo()
}
