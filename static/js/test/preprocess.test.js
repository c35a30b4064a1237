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

/** @param {Float32Array | null} image @param {number} [faintest] */
function inkBox(image, faintest = 0.05) {
  assert.ok(image, 'no ink: no image')
  /** @type {number[]} */
  const rows = []
  /** @type {number[]} */
  const cols = []
  image.forEach((value, i) => {
    if (value > faintest) {
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
  assert.ok(corner)
  const [x, y] = centreOfMass(corner, SIDE)
  assert.ok(Math.abs(x - 14) <= 0.5 && Math.abs(y - 14) <= 0.5, `centre of mass at ${x}, ${y}`)
})

test('a big digit is scaled into 20x20 keeping its aspect; a small one is scaled up', () => {
  assert.deepEqual(inkBox(mnistImage(pad(0, 0, 140, 280))), { width: 10, height: 20 })
  assert.deepEqual(inkBox(mnistImage(pad(100, 100, 8, 4))), { width: 20, height: 10 })
  const image = mnistImage(pad(0, 0, 140, 280))
  assert.ok(image)
  assert.ok(image.every((value) => value >= 0 && value <= 1))
  assert.equal(Math.max(...image), 1) // solid ink stays full grey, area-averaged
})

test('grey levels: a thin stroke becomes a fainter pixel, not a full one or nothing', () => {
  const values = new Float32Array(PAD * PAD)
  for (let y = 0; y < 200; y++) values[y * PAD + 100] = 1 // a 1-pixel line, 200 long
  values[150] = 1 // and a dot that widens the box to 51 px
  const image = mnistImage({ values, width: PAD, height: PAD })
  assert.ok(image)
  const faint = image.filter((value) => value > 0 && value < 1)
  assert.ok(faint.length >= 20, `${faint.length} grey pixels`)
})

test('an empty pad (or only faint dust) gives no image, so no prediction', () => {
  assert.equal(mnistImage({ values: new Float32Array(PAD * PAD), width: PAD, height: PAD }), null)
  assert.equal(mnistImage({ values: new Float32Array(PAD * PAD).fill(0.01), width: PAD, height: PAD }), null)
})

test('any drawing: levels 0..1, fitted into 20x20, centred but never cut; no ink, no image', () => {
  let seed = 7
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) // seeded: a failure repeats
  for (let trial = 0; trial < 200; trial++) {
    const values = new Float32Array(PAD * PAD)
    const strokes = Math.floor(random() * 4)
    for (let s = 0; s < strokes; s++) {
      const [x, y] = [Math.floor(random() * PAD), Math.floor(random() * PAD)]
      const [w, h] = [1 + Math.floor(random() * (PAD - x)), 1 + Math.floor(random() * (PAD - y))]
      for (let row = y; row < Math.min(PAD, y + h); row++) values.fill(random(), row * PAD + x, row * PAD + Math.min(PAD, x + w))
    }
    const image = mnistImage({ values, width: PAD, height: PAD })
    const inked = values.some((value) => value > 0.05)
    assert.equal(image !== null, inked, `trial ${trial}`)
    if (!image) continue
    assert.ok(image.every((value) => value >= 0 && value <= 1), `trial ${trial}`)
    const box = inkBox(image)
    assert.ok(box.width <= 20 && box.height <= 20, `trial ${trial}: ${box.width}x${box.height}`)
    const [cx, cy] = centreOfMass(image, SIDE)
    const edge = (/** @type {number} */ line) => image.subarray(line * SIDE, (line + 1) * SIDE).some((v) => v > 0)
    const column = (/** @type {number} */ x) => image.some((v, i) => i % SIDE === x && v > 0)
    // Centred, unless that would push ink off an edge: then it touches that edge.
    assert.ok(Math.abs(cx - 14) <= 0.5 || column(0) || column(SIDE - 1), `trial ${trial}: x ${cx}`)
    assert.ok(Math.abs(cy - 14) <= 0.5 || edge(0) || edge(SIDE - 1), `trial ${trial}: y ${cy}`)
    const all = inkBox(image, 0) // every grey level: the longer side is the 20 it was fitted to
    assert.equal(Math.max(all.width, all.height), 20, `trial ${trial}`)
  }
})
