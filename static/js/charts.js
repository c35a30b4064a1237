// Streaming line charts on uPlot: the data is built and drawn at most once per animation
// frame, whatever the message rate, so 50,000+ points stay smooth.

import uPlot from '../vendor/uPlot.esm.js'

export const FAINT = 'rgba(120, 120, 120, 0.45)'

export function lineChart(element, { series, xLabel, yLabel, height = 220, scales = {}, xIncrs, yFormat }) {
  const width = () => Math.max(200, element.clientWidth || 480)
  const right = series.find((s) => s.scale === 'right')
  const options = {
    width: width(),
    height,
    scales: { x: { time: false }, ...scales },
    axes: [
      { label: xLabel, ...(xIncrs ? { incrs: xIncrs } : {}) },
      { label: yLabel, scale: series[0].scale ?? 'y', ...(yFormat ? { values: (u, splits) => splits.map(yFormat) } : {}) },
      ...(right ? [{ scale: 'right', side: 1, grid: { show: false }, label: right.label }] : []),
    ],
    series: [{ label: xLabel }, ...series.map((s) => ({ spanGaps: false, width: 1.5, ...s }))],
    legend: { live: false },
    cursor: { show: false },
  }
  const plot = new uPlot(options, [[], ...series.map(() => [])], element)
  let build = null
  let frame = 0
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => plot.setSize({ width: width(), height }))
  observer?.observe(element)
  return {
    plot,
    // `build()` runs on the next frame, once, however many updates came before it.
    update(next) {
      build = next
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0
          plot.setData(build())
        })
      }
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame)
      observer?.disconnect()
      plot.destroy()
    },
  }
}
