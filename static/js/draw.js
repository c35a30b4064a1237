// A drawing pad for a finger (or a mouse): thick round strokes on a square canvas, pointer
// events with the page's own touch gestures off, and the ink read back as 0..1 levels.

import { context2d, el } from './dom.js'

// The canvas's own pixels; the page scales it to fit. A stroke about as thick, against the
// digit, as MNIST's pen strokes (a tenth of the 20-pixel box).
const SIZE = 280
const STROKE = 22

/** @param {() => void} onChange called when a stroke ends, and when the pad is cleared */
export function drawingPad(onChange) {
  const canvas = el('canvas', { class: 'lc-pad', width: String(SIZE), height: String(SIZE), 'aria-label': 'Drawing pad: draw a digit' })
  const clear = el('button', { type: 'button', class: 'lc-pad-clear', text: 'Clear' })
  const pen = context2d(canvas, { willReadFrequently: true })
  pen.lineWidth = STROKE
  pen.lineCap = 'round'
  pen.lineJoin = 'round'
  pen.strokeStyle = '#000'
  /** @type {number | null} */
  let drawing = null

  /** @param {PointerEvent} event */
  const at = (event) => {
    const box = canvas.getBoundingClientRect()
    return [((event.clientX - box.left) * SIZE) / box.width, ((event.clientY - box.top) * SIZE) / box.height]
  }
  canvas.addEventListener('pointerdown', (event) => {
    drawing = event.pointerId
    canvas.setPointerCapture(event.pointerId)
    const [x, y] = at(event)
    pen.beginPath()
    pen.moveTo(x, y)
    pen.lineTo(x, y) // a tap leaves a dot
    pen.stroke()
    event.preventDefault()
  })
  canvas.addEventListener('pointermove', (event) => {
    if (event.pointerId !== drawing) return
    const [x, y] = at(event)
    pen.lineTo(x, y)
    pen.stroke()
  })
  /** @param {PointerEvent} event */
  const end = (event) => {
    if (event.pointerId !== drawing) return
    drawing = null
    onChange()
  }
  canvas.addEventListener('pointerup', end)
  canvas.addEventListener('pointercancel', end)
  clear.addEventListener('click', () => {
    pen.clearRect(0, 0, SIZE, SIZE)
    onChange()
  })
  return {
    canvas,
    clear,
    // The ink as levels 0 (paper) .. 1 (ink), from the canvas's alpha.
    ink() {
      const { data } = pen.getImageData(0, 0, SIZE, SIZE)
      const values = new Float32Array(SIZE * SIZE)
      for (let i = 0; i < values.length; i++) values[i] = data[4 * i + 3] / 255
      return { values, width: SIZE, height: SIZE }
    },
  }
}

// A 28x28 image (0 paper .. 1 ink, row-major) painted into a 28x28 canvas, white on black as
// MNIST is usually shown; CSS scales it up, pixelated.
/** @param {HTMLCanvasElement} canvas @param {ArrayLike<number>} image */
export function paintDigit(canvas, image) {
  const side = Math.round(Math.sqrt(image.length))
  canvas.width = side
  canvas.height = side
  const pixels = new ImageData(side, side)
  for (let i = 0; i < image.length; i++) {
    const grey = Math.round(255 * image[i])
    pixels.data.set([grey, grey, grey, 255], 4 * i)
  }
  context2d(canvas).putImageData(pixels, 0, 0)
}
