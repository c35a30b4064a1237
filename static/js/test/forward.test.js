import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { deflateSync } from 'node:zlib'
import { loadModel, softmax, topClasses } from '../model/forward.js'
import { normalise } from '../model/preprocess.js'
import { base64Bytes, decodeWeights, halfToFloat } from '../model/weights.js'

// Made by tests/fixtures/make_forward_fixture.py: an mlp trained one epoch on real MNIST, as
// int8 weights, 100 test images, and torch's logits with those same (dequantised) weights.
const fixture = JSON.parse(readFileSync(new URL('./fixtures/forward.json', import.meta.url), 'utf8'))

// A layer as the server sends it: zlib, then base64.
/** @param {ArrayBufferView} raw */
const wire = (/** @type {ArrayBufferView} */ raw) => deflateSync(new Uint8Array(raw.buffer)).toString('base64')

/** @param {number[]} values @param {string} dtype @param {number} [scale] */
function layer(values, dtype, scale = 1) {
  const Type = dtype === 'int8' ? Int8Array : Float32Array // the two dtypes these tests send
  return { name: 'w', shape: [values.length], dtype, scale, data: wire(new Type(values)) }
}

test('the JS mlp gives torch top-1 on 100 real test images, with logits within 1e-3', async () => {
  const model = await loadModel(fixture.weights)
  const pixels = base64Bytes(fixture.images)
  fixture.top1.forEach((/** @type {number} */ expected, /** @type {number} */ i) => {
    const image = normalise(Float32Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255), fixture.weights)
    const logits = model.logits(image)
    assert.equal(topClasses(softmax(logits), 1)[0][0], expected, `image ${i}`)
    logits.forEach((value, k) => assert.ok(Math.abs(value - fixture.logits[i][k]) < 1e-3, `image ${i} class ${k}`))
  })
  const right = fixture.top1.filter((/** @type {number} */ label, /** @type {number} */ i) => label === fixture.labels[i]).length
  assert.ok(right >= 85, `one epoch scores ${right}/100`) // a trained model, not noise
})

test('int8 is value × scale; float32 little-endian; float16 with subnormals and infinities', async () => {
  const [int8] = (await decodeWeights({ layers: [layer([-127, 0, 5], 'int8', 0.5)] })).values()
  assert.deepEqual([...int8.values], [-63.5, 0, 2.5])
  const [float32] = (await decodeWeights({ layers: [layer([1.5, -2e-3], 'float32')] })).values()
  assert.deepEqual([...float32.values], [1.5, Math.fround(-2e-3)])
  const halves = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x7c00, 0xfc00].map(halfToFloat)
  assert.deepEqual(halves, [1, -2, 0.333251953125, 65504, 2 ** -24, Infinity, -Infinity])
  const data = wire(new Uint16Array([0x3c00, 0xb800]))
  const [half] = (await decodeWeights({ layers: [{ name: 'h', shape: [2], dtype: 'float16', scale: 2, data }] })).values()
  assert.deepEqual([...half.values], [2, -1])
})

test('a message that does not fit its model is refused, saying what is wrong', async () => {
  const short = { ...layer([1, 2, 3], 'int8'), shape: [2, 2] }
  await assert.rejects(decodeWeights({ layers: [short] }), /3 values for shape \[2,2\]/)
  await assert.rejects(decodeWeights({ layers: [{ ...layer([1], 'int8'), dtype: 'int4' }] }), /int8, float16 or float32/)
  await assert.rejects(decodeWeights({ layers: [{ ...layer([1], 'int8'), data: btoa('not zlib') }] }))
  await assert.rejects(loadModel({ model: 'rnn', layers: [] }), /one of mlp, cnn/)
  const noBias = { ...fixture.weights, layers: fixture.weights.layers.filter((/** @type {{ name: string }} */ l) => l.name !== '3.bias') }
  await assert.rejects(loadModel(noBias), /lack 3.bias/)
})

test('softmax sums to 1 however large the logits; top classes likeliest first', () => {
  const probabilities = softmax(new Float32Array([1000, 999, -5, 998]))
  assert.ok(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-6)
  assert.deepEqual(topClasses(probabilities).map(([label]) => label), [0, 1, 3])
  const mean = 0.1307
  const std = 0.3081
  const [paper, ink] = normalise(new Float32Array([0, 1]), { mean, std })
  assert.ok(Math.abs(paper + mean / std) < 1e-6 && Math.abs(ink - (1 - mean) / std) < 1e-6)
})
