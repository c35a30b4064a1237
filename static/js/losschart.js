// The MNIST slide's chart: every batch's loss as a min–max band with its mean (faint, raw)
// and the mean smoothed over it, the batch accuracy (smoothed) on the right, and an earlier
// run's smoothed loss, faint, for comparison; under it, the current loss minus that run's.

import { FAINT, FROM_ZERO, lineChart } from './charts.js'
import { baselineGap, lossData, smoothers } from './envelope.js'
import { lrMarkers } from './lrmarker.js'
import { heldRows } from './points.js'
import { setText } from './dom.js'
import { baselineText } from './text.js'

const LOSS = '#d9480f'
const RAW = 'rgba(217, 72, 15, 0.35)'
const EDGE = 'rgba(217, 72, 15, 0.55)'
const BAND = 'rgba(217, 72, 15, 0.25)'

/** @param {HTMLElement} element @param {number} height @param {HTMLElement} readout */
export function lossChart(element, height, readout) {
  /** @type {any} */
  let shown = null // the run drawn: its learning rate changes are marked
  const chart = lineChart(element, {
    height,
    xLabel: 'batch',
    yLabel: 'loss',
    // The band first: uPlot draws in order, so the lines go over its fill.
    series: [
      { label: 'min–max', stroke: EDGE, width: 1 },
      { label: 'min', stroke: EDGE, width: 1, class: 'lc-legend-hidden' },
      { label: 'raw', stroke: RAW, width: 1, class: 'lc-raw' },
      { label: 'loss', stroke: LOSS, width: 1.5 },
      { label: 'batch accuracy', stroke: '#1c7ed6', scale: 'right', width: 1 },
      { label: 'earlier run', stroke: FAINT, class: 'lc-earlier' },
    ],
    bands: [{ series: [1, 2], fill: BAND }],
    scales: { ...FROM_ZERO, right: { range: [0, 1] } },
    plugins: [lrMarkers(() => shown?.lrChanges ?? [])],
  })
  const kept = smoothers()
  return {
    // run: the buffer's run (points or buckets); earlier: a run from GET /api/runs/{id};
    // weight: the smoothing (0 to 0.99).
    /** @param {any} run @param {any} earlier @param {number} weight */
    draw(run, earlier, weight) {
      element.classList.toggle('lc-no-earlier', !earlier) // its legend entry only with an overlay
      shown = run
      chart.update((/** @type {number} */ columns) => {
        const rows = run ? heldRows(run) : null
        const data = lossData(rows, earlier?.points, columns, weight, kept)
        setText(readout, earlier ? baselineText(baselineGap(rows, earlier.points, kept), earlier.id) : '')
        return data
      })
    },
    chart,
    destroy: chart.destroy,
  }
}
