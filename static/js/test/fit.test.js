import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MIN_CHART, fitChartHeight } from '../fit.js'

test('a chart fills what its panel leaves of the frame', async () => {
  const panel = async (/** @type {number} */ chart) => chart + 70 // a status line and a legend around one chart
  const height = await fitChartHeight(panel, 450)
  assert.equal(height, 380)
  assert.equal(await panel(height), 450)
})

test('two charts stacked share the frame', async () => {
  const panel = async (/** @type {number} */ chart) => 2 * chart + 50
  assert.equal(await panel(/** @type {number} */ (await fitChartHeight(panel, 650))), 650)
})

test('a panel without a chart is left as it is', async () => {
  assert.equal(await fitChartHeight(async () => 300, 450), null)
})

test('a frame too small for the panel still gets a readable chart', async () => {
  assert.equal(await fitChartHeight(async (chart) => chart + 400, 300), MIN_CHART)
})
