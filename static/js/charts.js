// Streaming line charts on uPlot: the data is built and drawn at most once per animation
// frame, whatever the message rate, so 50,000+ points stay smooth.

import uPlot from '../vendor/uPlot.esm.js'

export const FAINT = 'rgba(120, 120, 120, 0.45)'
// Loss (or samples) from 0 up, with a scale even before the first point.
export const FROM_ZERO = { y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.05 : 1] } }

// `bands`: uPlot's fills between two series (a min–max envelope). `build(columns)` is given
// the plot's width in CSS pixels, so data can be binned to one bin per pixel column.
/**
 * @typedef {object} LineChartOptions
 * @property {(import('../vendor/uPlot.esm.js').Series & { label?: string, class?: string })[]} series
 * @property {string} xLabel
 * @property {string} yLabel
 * @property {number} [height]
 * @property {Record<string, any>} [scales]
 * @property {number[]} [xIncrs]
 * @property {(value: number) => string} [yFormat]
 * @property {import('../vendor/uPlot.esm.js').Band[]} [bands]
 */

/** @param {HTMLElement} element @param {LineChartOptions} options */
export function lineChart(element, { series, xLabel, yLabel, height = 220, scales = {}, xIncrs, yFormat, bands }) {
  const width = () => Math.max(200, element.clientWidth || 480)
  const right = series.find((s) => s.scale === 'right')
  /** @type {import('../vendor/uPlot.esm.js').Options} */
  const options = {
    width: width(),
    height,
    scales: { x: { time: false }, ...scales },
    // Axis labels in 20 px, not uPlot's 30: small charts on a slide keep their plot area.
    axes: [
      { label: xLabel, labelSize: 20, ...(xIncrs ? { incrs: xIncrs } : {}) },
      { label: yLabel, labelSize: 20, scale: series[0].scale ?? 'y', ...(yFormat ? { values: (u, splits) => splits.map(yFormat) } : {}) },
      ...(right ? [{ scale: 'right', side: 1, grid: { show: false }, label: right.label, labelSize: 20 }] : []),
    ],
    series: [{ label: xLabel }, ...series.map((s) => ({ spanGaps: false, width: 1.5, ...s }))],
    legend: { live: false },
    cursor: { show: false },
    ...(bands ? { bands } : {}),
  }
  const plot = new uPlot(options, [[], ...series.map(() => [])], element)
  let build = null
  let frame = 0
  const columns = () => Math.max(1, Math.round(plot.bbox.width / uPlot.pxRatio) || width())
  // `build(columns)` runs on the next frame, once, however many updates came before it.
  const update = (next) => {
    build = next
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0
        plot.setData(build(columns()))
      })
    }
  }
  // A new width is a new number of pixel columns: the data is built again for it.
  const resize = () => {
    plot.setSize({ width: width(), height })
    if (build) update(build)
  }
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize)
  observer?.observe(element)
  return {
    plot,
    update,
    destroy() {
      if (frame) cancelAnimationFrame(frame)
      observer?.disconnect()
      plot.destroy()
    },
  }
}
