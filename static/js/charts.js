// Streaming line charts on uPlot: the data is built and drawn at most once per animation
// frame, whatever the message rate, so 50,000+ points stay smooth. A chart's y axis can
// turn logarithmic, and a chart can be drawn again at 2x pixel density (for Save PNG).

import uPlot from '../vendor/uPlot.esm.js'

/** @typedef {import('../vendor/uPlot.esm.js').Scale} Scale */
/** @typedef {(columns: number) => any[][]} Build uPlot's columns for a plot so many pixels wide */

export const FAINT = 'rgba(120, 120, 120, 0.45)'
// Loss (or samples) from 0 up, with a scale even before the first point.
/** @type {Record<string, Scale>} */
export const FROM_ZERO = { y: { range: (_plot, _min, max) => [0, max > 0 ? max * 1.05 : 1] } }
// A true log scale (decades), with a range even before the first positive value.
/** @type {Scale} */
const LOG_Y = {
  distr: 3,
  log: 10,
  range: (_plot, min, max) => (min > 0 && max > 0 ? uPlot.rangeLog(min, max, 10, true) : [0.1, 10]),
}
// A log axis's ticks: "0.01" down to a thousandth, then "1e-4" (uPlot's own shows "0").
/** @param {number} value */
export function logTick(value) {
  return value == null ? '' : value >= 1e-3 ? String(+value.toPrecision(3)) : value.toExponential(0)
}
// uPlot's own sizes (axis font, axis sizes, gaps, ticks), scaled for a sharper copy.
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
const AXIS = { size: 50, labelSize: 30, gap: 5, ticks: 10, grid: 2 }

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
 * @property {import('../vendor/uPlot.esm.js').Plugin[]} [plugins] drawn with the chart (lrmarker.js)
 */

// The y scale of a log chart holds no value <= 0 (log(0) is -Infinity): such values are
// gaps. The columns are copied: a caller may keep its arrays between frames.
/** @param {any[][]} data @param {boolean[]} onY */
export function positive(data, onY) {
  return data.map((column, i) => (onY[i] ? column.map((v) => (v == null || v > 0 ? v : null)) : column))
}

/** @typedef {import('../vendor/uPlot.esm.js').Options & { axes: import('../vendor/uPlot.esm.js').Axis[] }} ChartOptions */

// uPlot's options with every size multiplied by `k`: the same chart, k times the pixels.
/** @param {ChartOptions} options @param {number} k */
function scaled(options, k) {
  return {
    ...options,
    width: options.width * k,
    height: options.height * k,
    axes: options.axes.map((axis, i) => ({
      ...axis,
      font: `${12 * k}px ${FONT}`,
      labelFont: `bold ${12 * k}px ${FONT}`,
      size: AXIS.size * k,
      labelSize: (axis.labelSize ?? AXIS.labelSize) * k,
      gap: AXIS.gap * k,
      space: (i === 0 ? 50 : 30) * k,
      ticks: { size: AXIS.ticks * k, width: AXIS.grid * k },
      grid: { ...axis.grid, width: AXIS.grid * k },
    })),
    series: options.series.map((s, i) =>
      i === 0 ? s : { ...s, width: (s.width ?? 1) * k, points: s.points?.show ? { ...s.points, size: 6 * k, width: 2 * k } : s.points },
    ),
  }
}

/** @param {HTMLElement} element @param {LineChartOptions} options */
export function lineChart(element, { series, xLabel, yLabel, height = 220, scales = {}, xIncrs, yFormat, bands, plugins }) {
  const width = () => Math.max(200, element.clientWidth || 480)
  const right = series.find((s) => s.scale === 'right')
  const yKey = series[0].scale ?? 'y'
  const onY = [false, ...series.map((s) => (s.scale ?? 'y') === yKey)]
  let log = false
  /** @returns {ChartOptions} */
  const options = () => ({
    width: width(),
    height,
    scales: { x: { time: false }, ...scales, ...(log ? { [yKey]: LOG_Y } : {}) },
    // Axis labels in 20 px, not uPlot's 30: small charts on a slide keep their plot area.
    axes: [
      { label: xLabel, labelSize: 20, ...(xIncrs ? { incrs: xIncrs } : {}) },
      { label: yLabel, labelSize: 20, scale: yKey, ...(log || yFormat ? { values: (u, splits) => splits.map(log ? logTick : /** @type {(value: number) => string} */ (yFormat)) } : {}) },
      ...(right ? [{ scale: 'right', side: 1, grid: { show: false }, label: right.label, labelSize: 20 }] : []),
    ],
    series: [{ label: xLabel }, ...series.map((s) => ({ spanGaps: false, width: 1.5, ...s }))],
    legend: { live: false },
    cursor: { show: false },
    ...(bands ? { bands } : {}),
    ...(plugins ? { plugins } : {}),
  })
  /** @returns {any} uPlot's columns, none yet */
  const empty = () => [[], ...series.map(() => [])]
  let plot = new uPlot(options(), empty(), element)
  /** @type {Build | null} */
  let build = null
  let frame = 0
  const columns = () => Math.max(1, Math.round(plot.bbox.width / uPlot.pxRatio) || width())
  /** @param {Build} make @returns {any} uPlot's columns */
  const data = (make) => (log ? positive(make(columns()), onY) : make(columns()))
  // `build(columns)` runs on the next frame, once, however many updates came before it.
  /** @param {Build} next */
  const update = (next) => {
    build = next
    if (!frame) {
      frame = requestAnimationFrame(() => {
        frame = 0
        if (build) plot.setData(data(build)) // always: update set it
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
    get plot() {
      return plot
    },
    update,
    // uPlot sets a scale's distribution when it is made: a log axis is a new plot.
    /** @param {boolean} on */
    setLog(on) {
      if (on === log) return
      log = on
      plot.destroy()
      plot = new uPlot(options(), build ? data(build) : empty(), element)
      element.classList.toggle('lc-log-axis', on)
    },
    // The chart drawn again off screen with `ratio` device pixels per CSS pixel: a canvas
    // of ratio × its CSS size, whatever this screen's own density. uPlot draws in a
    // microtask after it is made: the canvas is handed over from its draw hook.
    /** @param {number} ratio @returns {Promise<HTMLCanvasElement>} */
    canvas(ratio) {
      const host = document.createElement('div')
      host.style.cssText = 'position: fixed; left: -100000px; top: 0'
      document.body.append(host)
      return new Promise((resolve) => {
        const drawn = (/** @type {uPlot} */ copy) => {
          copy.destroy()
          host.remove()
          resolve(copy.ctx.canvas)
        }
        const copyOptions = scaled({ ...options(), width: plot.width, height: plot.height }, ratio / uPlot.pxRatio)
        new uPlot({ ...copyOptions, hooks: { draw: [drawn] } }, plot.data, host)
      })
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame)
      observer?.disconnect()
      plot.destroy()
    },
  }
}
