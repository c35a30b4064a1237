// A drawing made into an MNIST digit, as MNIST's were made: the ink's bounding box fitted
// into 20x20 (aspect kept, grey levels from area averaging), placed in 28x28 with its
// centre of mass at the centre, then normalised with the training's mean and std (which the
// `weights` message carries).

export const SIDE = 28
const BOX = 20
// Below this (of 1) a pixel is paper, not ink: the canvas's antialiasing leaves faint dust.
const INK = 0.05

/**
 * Ink levels (0 paper .. 1 ink), row-major.
 * @typedef {{ values: ArrayLike<number>, width: number, height: number }} Ink
 */

/** @param {Ink} ink @returns {{ left: number, top: number, right: number, bottom: number } | null} */
function inkBox({ values, width, height }) {
  let left = width
  let top = height
  let right = -1
  let bottom = -1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (values[y * width + x] <= INK) continue
      left = Math.min(left, x)
      right = Math.max(right, x)
      top = Math.min(top, y)
      bottom = Math.max(bottom, y)
    }
  }
  return right < 0 ? null : { left, top, right: right + 1, bottom: bottom + 1 }
}

// How much of source pixel `from + s` each of `size` target pixels covers when `length`
// source pixels are scaled to `size`: rows of weights that sum to 1 (an area average).
/** @param {number} length @param {number} size */
function coverage(length, size) {
  const scale = length / size // source pixels per target pixel
  return Array.from({ length: size }, (_, t) => {
    const start = t * scale
    const end = start + scale
    /** @type {[number, number][]} */
    const weights = []
    for (let s = Math.floor(start); s < Math.min(length, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s)
      if (overlap > 0) weights.push([s, overlap / scale])
    }
    return weights
  })
}

/**
 * The drawing as a 28x28 MNIST image (0..1, row-major), or null when there is no ink.
 * @param {Ink} ink
 * @returns {Float32Array | null}
 */
export function mnistImage(ink) {
  const box = inkBox(ink)
  if (!box) return null
  const boxWidth = box.right - box.left
  const boxHeight = box.bottom - box.top
  const fit = BOX / Math.max(boxWidth, boxHeight)
  const width = Math.max(1, Math.round(boxWidth * fit))
  const height = Math.max(1, Math.round(boxHeight * fit))
  const across = coverage(boxWidth, width)
  const down = coverage(boxHeight, height)
  const small = new Float32Array(width * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0
      for (const [sy, wy] of down[y]) {
        const row = (box.top + sy) * ink.width + box.left
        for (const [sx, wx] of across[x]) sum += wy * wx * ink.values[row + sx]
      }
      small[y * width + x] = Math.min(1, sum)
    }
  }
  // Centre of mass to the centre of the 28x28 image, by whole pixels, but never so far
  // that ink falls off an edge (a lopsided drawing: its mass near one side of its box).
  const [cx, cy] = centreOfMass(small, width)
  const left = Math.min(SIDE - width, Math.max(0, Math.round(SIDE / 2 - cx)))
  const top = Math.min(SIDE - height, Math.max(0, Math.round(SIDE / 2 - cy)))
  const image = new Float32Array(SIDE * SIDE)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const tx = x + left
      const ty = y + top
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) image[ty * SIDE + tx] = small[y * width + x]
    }
  }
  return image
}

// An image's centre of mass [x, y], in pixel indices (MNIST's digits average 14, 14).
/** @param {ArrayLike<number>} values row-major @param {number} width */
export function centreOfMass(values, width) {
  let mass = 0
  let x = 0
  let y = 0
  for (let i = 0; i < values.length; i++) {
    mass += values[i]
    x += values[i] * (i % width)
    y += values[i] * Math.floor(i / width)
  }
  return [x / mass, y / mass]
}

// A 0..1 image normalised as the training's inputs were: Normalize((mean,), (std,)).
/** @param {Float32Array} image @param {{ mean: number, std: number }} normalisation */
export function normalise(image, { mean, std }) {
  return image.map((value) => (value - mean) / std)
}
