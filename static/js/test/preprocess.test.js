import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SIDE, centreOfMass, mnistImage } from '../model/preprocess.js'

const PAD = 280

// A pad of `PAD` x `PAD` with a filled rectangle of ink.
/** @param {number} left @param {number} top @param {number} width @param {number} height */
function pad(left, top, width, height) {
  const values = new Float32Array(PAD * PAD)
  for (let y = top; y < top + height; y++) values.fill(1, y * PAD + left, y * PAD + left + width)
  return { values, width: PAD, height: PAD }
}

/** @param {Float32Array} image */
function inkBox(image) {
  const rows = []
  const cols = []
  image.forEach((value, i) => {
    if (value > 0.05) {
      rows.push(Math.floor(i / SIDE))
      cols.push(i % SIDE)
    }
  })
  return { width: Math.max(...cols) - Math.min(...cols) + 1, height: Math.max(...rows) - Math.min(...rows) + 1 }
}

test('a digit drawn in a corner is recentred: the same image as drawn in the middle', () => {
  const corner = mnistImage(pad(5, 10, 40, 100))
  const middle = mnistImage(pad(120, 90, 40, 100))
  assert.deepEqual(corner, middle)
  const [x, y] = centreOfMass(corner, SIDE)
  assert.ok(Math.abs(x - 14) <= 0.5 && Math.abs(y - 14) <= 0.5, `centre of mass at ${x}, ${y}`)
})

test('a big digit is scaled into 20x20 keeping its aspect; a small one is scaled up', () => {
  assert.deepEqual(inkBox(mnistImage(pad(0, 0, 140, 280))), { width: 10, height: 20 })
  assert.deepEqual(inkBox(mnistImage(pad(100, 100, 8, 4))), { width: 20, height: 10 })
  const image = mnistImage(pad(0, 0, 140, 280))
  assert.ok(image.every((value) => value >= 0 && value <= 1))
  assert.equal(Math.max(...image), 1) // solid ink stays full grey, area-averaged
})

test('grey levels: a thin stroke becomes a fainter pixel, not a full one or nothing', () => {
  const values = new Float32Array(PAD * PAD)
  for (let y = 0; y < 200; y++) values[y * PAD + 100] = 1 // a 1-pixel line, 200 long
  values[150] = 1 // and a dot that widens the box to 51 px
  const image = mnistImage({ values, width: PAD, height: PAD })
  const faint = image.filter((value) => value > 0 && value < 1)
  assert.ok(faint.length >= 20, `${faint.length} grey pixels`)
})

test('an empty pad (or only faint dust) gives no image, so no prediction', () => {
  assert.equal(mnistImage({ values: new Float32Array(PAD * PAD), width: PAD, height: PAD }), null)
  assert.equal(mnistImage({ values: new Float32Array(PAD * PAD).fill(0.01), width: PAD, height: PAD }), null)
})
