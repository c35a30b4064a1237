// The forward pass of the run's model (server/training/models.py: the seed's mlp and the
// small cnn) in plain JS, from the `weights` message: what each phone runs on its own digit.

import { decodeWeights } from './weights.js'

/** @typedef {import('./weights.js').Tensor} Tensor */

// A feature map: channels × height × width, row-major (the CHW of torch's Flatten).
/** @typedef {{ values: Float32Array, channels: number, height: number, width: number }} Map3 */

/** @param {Float32Array} x @param {Tensor} weight @param {Tensor} bias */
function linear(x, weight, bias) {
  const [outputs, inputs] = weight.shape
  if (x.length !== inputs) throw new Error(`a linear layer of ${inputs} inputs was given ${x.length}`)
  const w = weight.values
  const y = new Float32Array(outputs)
  for (let o = 0; o < outputs; o++) {
    let sum = bias.values[o]
    const row = o * inputs
    for (let i = 0; i < inputs; i++) sum += w[row + i] * x[i]
    y[o] = sum
  }
  return y
}

/** @param {Float32Array} x */
function relu(x) {
  for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0
  return x
}

// Conv2d(kernel k, stride 1, padding k//2): torch's cross-correlation.
/** @param {Map3} input @param {Tensor} weight @param {Tensor} bias @returns {Map3} */
function conv2d(input, weight, bias) {
  const [outputs, channels, k] = weight.shape
  const { height, width } = input
  const pad = k >> 1
  const x = input.values
  const w = weight.values
  const y = new Float32Array(outputs * height * width)
  for (let o = 0; o < outputs; o++) {
    const plane = y.subarray(o * height * width, (o + 1) * height * width)
    plane.fill(bias.values[o])
    for (let c = 0; c < channels; c++) {
      const source = x.subarray(c * height * width, (c + 1) * height * width)
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const weightValue = w[((o * channels + c) * k + ky) * k + kx]
          const dy = ky - pad
          const dx = kx - pad
          const rowFrom = Math.max(0, -dy)
          const rowTo = Math.min(height, height - dy)
          const colFrom = Math.max(0, -dx)
          const colTo = Math.min(width, width - dx)
          for (let r = rowFrom; r < rowTo; r++) {
            const out = r * width
            const from = (r + dy) * width + dx
            for (let col = colFrom; col < colTo; col++) plane[out + col] += weightValue * source[from + col]
          }
        }
      }
    }
  }
  return { values: y, channels: outputs, height, width }
}

/** @param {Map3} input @returns {Map3} */
function maxPool2(input) {
  const { channels, height, width } = input
  const h = height >> 1
  const w = width >> 1
  const x = input.values
  const y = new Float32Array(channels * h * w)
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const at = c * height * width + 2 * r * width + 2 * col
        y[(c * h + r) * w + col] = Math.max(x[at], x[at + 1], x[at + width], x[at + width + 1])
      }
    }
  }
  return { values: y, channels, height: h, width: w }
}

/** @param {Map3} map */
const reluMap = (map) => ({ ...map, values: relu(map.values) })

/**
 * Each model's forward pass over its state_dict tensors (keys are nn.Sequential indices).
 * @type {Record<string, (t: (name: string) => Tensor, image: Float32Array) => Float32Array>}
 */
const FORWARD = {
  mlp: (t, image) => linear(relu(linear(image, t('1.weight'), t('1.bias'))), t('3.weight'), t('3.bias')),
  cnn: (t, image) => {
    let map = { values: image, channels: 1, height: 28, width: 28 }
    map = maxPool2(reluMap(conv2d(map, t('0.weight'), t('0.bias'))))
    map = maxPool2(reluMap(conv2d(map, t('3.weight'), t('3.bias'))))
    const hidden = relu(linear(map.values, t('7.weight'), t('7.bias')))
    return linear(hidden, t('9.weight'), t('9.bias'))
  },
}

/** @param {Float32Array} logits */
export function softmax(logits) {
  const top = Math.max(...logits)
  const exps = logits.map((value) => Math.exp(value - top))
  const sum = exps.reduce((a, b) => a + b, 0)
  return exps.map((value) => value / sum)
}

// The `count` likeliest classes, likeliest first: [[class, probability], ...].
/** @param {Float32Array} probabilities @param {number} [count] @returns {[number, number][]} */
export function topClasses(probabilities, count = 3) {
  return [...probabilities]
    .map((probability, label) => /** @type {[number, number]} */ ([label, probability]))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
}

/**
 * A model from a `weights` message: `logits(image)` of a normalised 28x28 image (784 values).
 * @param {{ model: string, layers: import('./weights.js').WireLayer[] }} message
 */
export async function loadModel(message) {
  const forward = FORWARD[message.model]
  if (!forward) throw new Error(`model ${message.model} has no forward pass here: one of ${Object.keys(FORWARD).join(', ')}`)
  const tensors = await decodeWeights(message)
  /** @param {string} name */
  const tensor = (name) => {
    const found = tensors.get(name)
    if (!found) throw new Error(`the ${message.model}'s weights lack ${name}`)
    return found
  }
  forward(tensor, new Float32Array(784)) // a missing or misshapen tensor fails here, not on a drawing
  return {
    name: message.model,
    /** @param {Float32Array} image */
    logits: (image) => forward(tensor, image),
  }
}
