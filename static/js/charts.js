// Streaming line charts on uPlot: redrawn at most once per animation frame, whatever
// the message rate, so 50,000+ points stay smooth.

import uPlot from '../vendor/uPlot.esm.js'

const FAINT = 'rgba(120, 120, 120, 0.45)'

export function lineChart(element, { series, xLabel, yLabel, height = 220, scales = {}, xIncrs }) {
  const width = () => Math.max(240, element.clientWidth || 480)
  const options = {
    width: width(),
    height,
    scales: { x: { time: false }, ...scales },
    axes: [
      { label: xLabel, ...(xIncrs ? { incrs: xIncrs } : {}) },
      { label: yLabel, scale: series[0].scale ?? 'y' },
      ...(series.some((s) => s.scale === 'right')
        ? [{ scale: 'right', side: 1, grid: { show: false }, label: series.find((s) => s.scale === 'right').label }]
        : []),
    ],
    series: [{ label: xLabel }, ...series.map((s) => ({ spanGaps: true, width: 1.5, ...s }))],
    legend: { live: false },
    cursor: { show: false },
  }
  const empty = [[], ...series.map(() => [])]
  const plot = new uPlot(options, empty, element)
  let pending = null
  let frame = 0
  const resize = () => plot.setSize({ width: width(), height })
  const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize)
  observer?.observe(element)
  return {
    plot,
    // Keeps only the newest data; draws it on the next frame.
    setData(data) {
      pending = data
      if (!frame) {
        frame = requestAnimationFrame(() => {
          frame = 0
          plot.setData(pending)
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

export { FAINT }

// x = 1..n; each column padded with nulls (gaps) so an earlier run can be drawn behind.
export function aligned(columns) {
  const length = Math.max(0, ...columns.map((column) => column.length))
  const x = Array.from({ length }, (_, i) => i + 1)
  return [x, ...columns.map((column) => Array.from({ length }, (_, i) => (i < column.length && !Number.isNaN(column[i]) ? column[i] : null)))]
}
