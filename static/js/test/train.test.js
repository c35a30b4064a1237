import assert from 'node:assert/strict'
import { test } from 'node:test'
import { markUnavailable, numberRange, paceValue, trainFields } from '../train.js'

// TrainConfig as loopcast's /openapi.json describes it (components.schemas), trimmed to the
// fields the form reads: the server's limits, which the form must follow, not copy.
const openapi = {
  components: {
    schemas: {
      TrainConfig: {
        properties: {
          model: { type: 'string', enum: ['mlp', 'cnn'], default: 'mlp' },
          optimizer: { type: 'string', enum: ['adam', 'sgd'], default: 'adam' },
          lr: { type: 'number', maximum: 10.0, exclusiveMinimum: 0.0, default: 0.001 },
          batch_size: { type: 'integer', maximum: 8192.0, minimum: 1.0, default: 64 },
          epochs: { type: 'integer', maximum: 50.0, minimum: 1.0, default: 3 },
          dataset: { type: 'string', enum: ['mnist', 'fashion-mnist'], default: 'mnist' },
          pace_s: {
            anyOf: [
              { type: 'integer', maximum: 0.0, minimum: 0.0 },
              { type: 'number', maximum: 600.0, minimum: 1.0 },
            ],
            default: 0,
          },
        },
      },
    },
  },
}

test('a slide pace becomes whole seconds the server takes; none, or nonsense, is 0', () => {
  const pace = (/** @type {unknown} */ value) => paceValue(value, 600)
  assert.deepEqual([20, 20.4, 0.6, 0.4, 0, -5, 601].map(pace), [20, 20, 1, 0, 0, 0, 600])
  assert.deepEqual([undefined, null, 'x', Infinity].map(pace), [0, 0, 0, 0])
})

test("a number's range spans the branches of anyOf (pace: 0, or 1..600)", () => {
  const { properties } = openapi.components.schemas.TrainConfig
  assert.deepEqual(numberRange(properties.pace_s), { min: 0, max: 600, integer: false })
  assert.deepEqual(numberRange(properties.lr), { min: 0, max: 10, integer: false })
  assert.deepEqual(numberRange(properties.epochs), { min: 1, max: 50, integer: true })
})

test("the form's fields, defaults and limits are the schema's", () => {
  const fields = trainFields(openapi)
  assert.deepEqual(
    fields.map(({ name, label }) => [name, label]),
    [['model', 'model'], ['optimizer', 'optimizer'], ['lr', 'lr'], ['batch_size', 'batch'], ['epochs', 'epochs'], ['dataset', 'data'], ['pace_s', 'pace (s)']],
  )
  const byName = Object.fromEntries(fields.map((field) => [field.name, field]))
  assert.deepEqual(byName.model.choices, ['mlp', 'cnn'])
  assert.equal(byName.optimizer.value, 'adam')
  assert.deepEqual([byName.lr.value, byName.lr.min, byName.lr.max, byName.lr.step], ['0.001', 0, 10, 'any'])
  assert.deepEqual([byName.batch_size.value, byName.batch_size.min, byName.batch_size.max, byName.batch_size.step], ['64', 1, 8192, '1'])
  assert.deepEqual([byName.pace_s.value, byName.pace_s.min, byName.pace_s.max, byName.pace_s.step], ['0', 0, 600, '1'])
  assert.equal(trainFields(openapi, 20).at(-1)?.value, '20') // the slide's frontmatter pace
  assert.equal(trainFields(openapi, 9999).at(-1)?.value, '600')
  assert.throws(() => trainFields({}), /TrainConfig/)
})

test('a dataset the server lacks is greyed out, with what to install as its title', () => {
  const option = (/** @type {string} */ value) => ({ value, disabled: false, title: '', textContent: value })
  const select = { options: [option('mnist'), option('fashion-mnist')] }
  const reason = 'fashion-mnist is not installed: ... apt-get install dataset-fashion-mnist ...'
  markUnavailable(select, {
    datasets: [
      { name: 'mnist', available: true, reason: null },
      { name: 'fashion-mnist', available: false, reason },
    ],
  })
  const [mnist, fashion] = select.options
  assert.deepEqual([mnist.disabled, mnist.title, mnist.textContent], [false, '', 'mnist'])
  assert.deepEqual([fashion.disabled, fashion.title, fashion.textContent], [true, reason, 'fashion-mnist (not installed)'])
})
