import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MIN_CHART, fitChartHeight } from '../fit.js'

test('a chart fills what its panel leaves of the frame', () => {
  const panel = (chart) => chart + 70 // a status line and a legend around one chart
  const height = fitChartHeight(panel, 450)
  assert.equal(height, 380)
  assert.equal(panel(height), 450)
})

test('two charts stacked share the frame', () => {
  const panel = (chart) => 2 * chart + 50
  assert.equal(panel(fitChartHeight(panel, 650)), 650)
})

test('a panel without a chart is left as it is', () => {
  assert.equal(fitChartHeight(() => 300, 450), null)
})

test('a frame too small for the panel still gets a readable chart', () => {
  assert.equal(fitChartHeight((chart) => chart + 400, 300), MIN_CHART)
})
