// The tools of a live chart: a smoothing slider, a log loss axis, Save PNG. Each chart's
// settings are kept for the tab (sessionStorage): a slide entered again, or the audience
// page reloaded, shows them as they were left.

import { el, setText } from './dom.js'
import { PNG_RATIO, chartPng, download, shownLegend } from './savepng.js'
import { SMOOTHING_MAX } from './smooth.js'

export const DEFAULT_SMOOTHING = 0.6
const KEY = 'loopcast-chart-'

/** @typedef {{ smoothing: number, log: boolean }} ChartSettings */

// A chart's settings as stored, or the defaults for what is missing or not valid.
/** @param {Pick<Storage, 'getItem'> | undefined} storage @param {string} name @returns {ChartSettings} */
export function readSettings(storage, name) {
  let stored = {}
  try {
    stored = JSON.parse(storage?.getItem(KEY + name) ?? '{}') ?? {}
  } catch {
    // written by something else: the defaults
  }
  const { smoothing, log } = /** @type {any} */ (stored)
  const usable = typeof smoothing === 'number' && smoothing >= 0 && smoothing <= SMOOTHING_MAX
  return { smoothing: usable ? smoothing : DEFAULT_SMOOTHING, log: log === true }
}

/** @param {Pick<Storage, 'setItem'> | undefined} storage @param {string} name @param {ChartSettings} settings */
export function saveSettings(storage, name, settings) {
  try {
    storage?.setItem(KEY + name, JSON.stringify(settings))
  } catch {
    // storage full or refused (a private window): the settings last until the page goes
  }
}

/**
 * @typedef {object} ToolOptions
 * @property {string} name the chart's name: its settings' key and the PNG's file name
 * @property {string} [label] which chart the tools are for, where a panel has two
 * @property {{ setLog?: (on: boolean) => void, canvas(ratio: number): Promise<HTMLCanvasElement> }} chart
 *   (setLog: only with `log`)
 * @property {HTMLElement} box the chart's element (its legend is read for the PNG)
 * @property {() => string} caption the words under the chart in the PNG
 * @property {boolean} [smoothing] offer the smoothing slider
 * @property {boolean} [log] offer the log toggle
 * @property {() => void} [onChange] called when a setting changes
 */

/** @param {ToolOptions} options */
export function chartTools({ name, label, chart, box, caption, smoothing = false, log = false, onChange = () => {} }) {
  const settings = readSettings(globalThis.sessionStorage, name)
  const node = el('div', { class: 'lc-tools' }, ...(label ? [el('strong', { text: label })] : []))
  const changed = () => {
    saveSettings(globalThis.sessionStorage, name, settings)
    onChange()
  }
  if (smoothing) {
    const value = el('span', { class: 'lc-smoothing-value' })
    const slider = el('input', {
      type: 'range', min: '0', max: String(SMOOTHING_MAX), step: '0.01', value: String(settings.smoothing),
      class: 'lc-smoothing', 'aria-label': 'Smoothing',
    })
    const show = () => setText(value, settings.smoothing.toFixed(2))
    slider.addEventListener('input', () => {
      settings.smoothing = Number(slider.value)
      show()
      changed()
    })
    show()
    node.append(el('label', { title: 'Exponential moving average, debiased (as TensorBoard)' }, 'smoothing ', slider, value))
  }
  if (log) {
    if (!chart.setLog) throw new Error(`chartTools(${name}): the log toggle needs a chart with setLog`)
    const setLog = chart.setLog.bind(chart)
    const toggle = el('input', { type: 'checkbox', class: 'lc-log' })
    toggle.checked = settings.log
    setLog(settings.log)
    toggle.addEventListener('change', () => {
      settings.log = toggle.checked
      setLog(settings.log)
      changed()
    })
    node.append(el('label', { title: 'Logarithmic loss axis' }, toggle, ' log'))
  }
  const save = el('button', { type: 'button', class: 'lc-button lc-save-png', text: 'Save PNG', title: `The chart at ${PNG_RATIO}x, with its legend and caption` })
  save.addEventListener('click', async () => {
    save.disabled = true
    try {
      download(await chartPng(chart, shownLegend(box), caption()), `loopcast-${name}.png`)
    } finally {
      save.disabled = false
    }
  })
  node.append(save)
  return {
    node,
    // The smoothing weight the chart draws with (0 where the chart offers no slider).
    get weight() {
      return smoothing ? settings.smoothing : 0
    },
  }
}
