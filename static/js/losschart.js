// The MNIST slide's chart: every batch's loss as a min–max band with its mean line, the
// batch accuracy on the right, and an earlier run's mean loss, faint, for comparison.

import { FAINT, FROM_ZERO, lineChart } from './charts.js'
import { lossData } from './envelope.js'
import { heldRows } from './points.js'

const LOSS = '#d9480f'
const EDGE = 'rgba(217, 72, 15, 0.55)'
const BAND = 'rgba(217, 72, 15, 0.25)'

export function lossChart(element, height) {
  const chart = lineChart(element, {
    height,
    xLabel: 'batch',
    yLabel: 'loss',
    // The band first: uPlot draws in order, so the mean line goes over its fill.
    series: [
      { label: 'min–max', stroke: EDGE, width: 1 },
      { label: 'min', stroke: EDGE, width: 1, class: 'lc-legend-hidden' },
      { label: 'loss', stroke: LOSS, width: 1.5 },
      { label: 'batch accuracy', stroke: '#1c7ed6', scale: 'right', width: 1 },
      { label: 'earlier run', stroke: FAINT, class: 'lc-earlier' },
    ],
    bands: [{ series: [1, 2], fill: BAND }],
    scales: { ...FROM_ZERO, right: { range: [0, 1] } },
  })
  return {
    // run: the buffer's run (points or buckets); earlier: a run from GET /api/runs/{id}.
    draw(run, earlier) {
      element.classList.toggle('lc-no-earlier', !earlier) // its legend entry only with an overlay
      chart.update((columns) => lossData(run ? heldRows(run) : null, earlier?.points, columns))
    },
    plot: chart.plot,
    destroy: chart.destroy,
  }
}
