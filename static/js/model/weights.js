// The `weights` stream message decoded into Float32Arrays: base64 of little-endian raw
// values, int8 (value = int8 × scale, one scale per tensor), float16 or float32.

/**
 * One tensor of the message, as the server sends it.
 * @typedef {{ name: string, shape: number[], dtype: string, scale?: number, data: string }} WireLayer
 */

/**
 * A decoded tensor: its shape and its values, row-major.
 * @typedef {{ shape: number[], values: Float32Array }} Tensor
 */

/** @param {string} text */
export function base64Bytes(text) {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

// IEEE half precision: sign, 5 exponent bits, 10 mantissa bits (subnormals, inf, NaN too).
/** @param {number} bits */
export function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const mantissa = bits & 0x3ff
  if (exponent === 0) return sign * mantissa * 2 ** -24
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

/** @param {WireLayer} layer @returns {Float32Array} */
function decodeValues(layer) {
  const bytes = base64Bytes(layer.data)
  const view = new DataView(bytes.buffer)
  if (layer.dtype === 'int8') {
    const scale = layer.scale ?? 1
    return Float32Array.from(new Int8Array(bytes.buffer), (value) => value * scale)
  }
  if (layer.dtype === 'float16') {
    const values = new Float32Array(bytes.length / 2)
    for (let i = 0; i < values.length; i++) values[i] = halfToFloat(view.getUint16(2 * i, true))
    return values
  }
  if (layer.dtype === 'float32') {
    const values = new Float32Array(bytes.length / 4)
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(4 * i, true)
    return values
  }
  throw new Error(`layer ${layer.name}: dtype ${layer.dtype} is not int8, float16 or float32`)
}

/**
 * The message's tensors by state_dict key; a tensor whose data does not fill its shape is refused.
 * @param {{ layers: WireLayer[] }} message
 * @returns {Map<string, Tensor>}
 */
export function decodeWeights(message) {
  const tensors = new Map()
  for (const layer of message.layers) {
    const values = decodeValues(layer)
    const size = layer.shape.reduce((a, b) => a * b, 1)
    if (values.length !== size) {
      throw new Error(`layer ${layer.name}: ${values.length} values for shape [${layer.shape}]`)
    }
    tensors.set(layer.name, { shape: layer.shape, values })
  }
  return tensors
}
