// The `weights` stream message decoded into Float32Arrays (docs/protocol.md): each tensor is
// base64 of a zlib stream of little-endian int8, float16 or float32 values; value = stored × scale.

/**
 * One tensor of the message, as the server sends it.
 * @typedef {{ name: string, shape: number[], dtype: string, scale?: number, data: string }} WireLayer
 */

/**
 * A decoded tensor: its shape and its values, row-major.
 * @typedef {{ shape: number[], values: Float32Array }} Tensor
 */

/** @param {string} text @returns {Uint8Array<ArrayBuffer>} */
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

// RFC 1950 zlib, as Python's zlib.compress writes it (browsers and Node alike).
/** @param {Uint8Array<ArrayBuffer>} bytes */
export async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** @type {Record<string, [number, (view: DataView, at: number) => number]>} */
const DTYPES = {
  int8: [1, (view, at) => view.getInt8(at)],
  float16: [2, (view, at) => halfToFloat(view.getUint16(at, true))],
  float32: [4, (view, at) => view.getFloat32(at, true)],
}

/** @param {WireLayer} layer @returns {Promise<Float32Array>} */
async function decodeValues(layer) {
  const dtype = DTYPES[layer.dtype]
  if (!dtype) throw new Error(`layer ${layer.name}: dtype ${layer.dtype} is not int8, float16 or float32`)
  const [size, read] = dtype
  const bytes = await inflate(base64Bytes(layer.data))
  const view = new DataView(bytes.buffer)
  const scale = layer.scale ?? 1
  const values = new Float32Array(bytes.length / size)
  for (let i = 0; i < values.length; i++) values[i] = read(view, i * size) * scale
  return values
}

/**
 * The message's tensors by state_dict key; a tensor whose data does not fill its shape is refused.
 * @param {{ layers: WireLayer[] }} message
 * @returns {Promise<Map<string, Tensor>>}
 */
export async function decodeWeights(message) {
  const tensors = new Map()
  for (const layer of message.layers) {
    const values = await decodeValues(layer)
    const size = layer.shape.reduce((a, b) => a * b, 1)
    if (values.length !== size) {
      throw new Error(`layer ${layer.name}: ${values.length} values for shape [${layer.shape}]`)
    }
    tensors.set(layer.name, { shape: layer.shape, values })
  }
  return tensors
}
