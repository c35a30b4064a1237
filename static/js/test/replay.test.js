import assert from 'node:assert/strict'
import { test } from 'node:test'
import { REPLAY_PATH, replayTarget, speedField } from '../replay.js'
import { baselineText, overlayLabel, replayText, smoothingNote } from '../text.js'

// The replay endpoint as FastAPI describes it: an optional body referring to its schema.
const openapi = {
  paths: {
    [REPLAY_PATH]: {
      post: { requestBody: { content: { 'application/json': { schema: { anyOf: [{ $ref: '#/components/schemas/ReplayRequest' }, { type: 'null' }] } } } } },
    },
  },
  components: { schemas: { ReplayRequest: { properties: { speed: { type: 'number', minimum: 1, maximum: 100, default: 1 } } } } },
}

test("the speed's limits and default are the server's; no replay endpoint, no field", () => {
  assert.deepEqual(speedField(openapi), { min: 1, max: 100, value: '1' })
  assert.equal(speedField({ paths: {} }), null)
  assert.equal(speedField(null), null)
})

test('the run replayed: the ended pick, else the newest finished run with points', () => {
  const runs = [
    { id: 5, status: 'running', last_seq: 10 },
    { id: 4, status: 'finished', last_seq: 0 },
    { id: 3, status: 'finished', last_seq: 90 },
    { id: 2, status: 'stopped', last_seq: 40 },
  ]
  assert.equal(replayTarget(null, runs).id, 3)
  assert.equal(replayTarget({ id: 2, status: 'stopped', last_seq: 40 }, runs).id, 2)
  assert.equal(replayTarget({ id: 5, status: 'running', last_seq: 10 }, runs).id, 3)
  assert.equal(replayTarget(null, runs.slice(0, 2)), null)
})

test('a replay is marked in its badge and in the run picker; a trained run is not', () => {
  /** @type {any} a run object, with the fields these read */
  const replay = { id: 7, name: null, status: 'running', config: { model: 'mlp', optimizer: 'adam' }, replay_of: 3, replay_speed: 10 }
  assert.equal(replayText(replay), 'REPLAY of run 3, ×10')
  assert.equal(replayText({ ...replay, replay_speed: 2.5 }), 'REPLAY of run 3, ×2.5')
  assert.equal(overlayLabel(replay), 'Run 7: mlp, adam, running (REPLAY of run 3, ×10)')
  assert.equal(replayText({ ...replay, replay_of: null }), '')
  assert.equal(replayText(null), '')
})

test('the readout against an overlay says the sign, the size and which way', () => {
  assert.equal(baselineText({ seq: 1200, gap: -0.0421 }, 3), 'vs run 3 at batch 1,200: −0.042 loss (smoothed, lower)')
  assert.equal(baselineText({ seq: 5, gap: 0.5 }, 3), 'vs run 3 at batch 5: +0.500 loss (smoothed, higher)')
  assert.match(baselineText(null, 3), /once both have a batch in common/)
})

test("a saved chart's caption names its smoothing, none at 0", () => {
  assert.equal(smoothingNote(0.6), 'loss and accuracy smoothed (EMA 0.60), raw loss faint')
  assert.equal(smoothingNote(0), '')
})
