import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { PANELS, findPanel } from '../panels/index.js'
import { STEPS, stepStyle } from '../panels/steps.js'

const deck = readFileSync(new URL('../../../slides/slides.md', import.meta.url), 'utf8')

test('the registry: each panel once, with a title and a builder, in the order of the slides', () => {
  const names = PANELS.map((panel) => panel.name)
  assert.equal(new Set(names).size, names.length)
  for (const panel of PANELS) assert.ok(panel.title && typeof panel.build === 'function', panel.name)
  const onSlides = [...deck.matchAll(/^panel: ([a-z0-9-]+)$/gm)].map((match) => match[1])
  assert.deepEqual(onSlides, names) // every slide's panel is registered, every panel is on a slide
  assert.equal(findPanel('nowhere'), null)
})

test('the five steps, in the order of the seed slide, each with its colour and place in the pulse', () => {
  assert.deepEqual(STEPS.map((step) => step.name), ['zero_grad', 'forward', 'loss', 'backward', 'step'])
  assert.deepEqual(stepStyle(STEPS[2], 2), { '--lc-step-color': STEPS[2].color, '--lc-step-delay': '0.4s' })
})
