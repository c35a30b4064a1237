// The CPU-vs-GPU race (POST /api/demo/race): samples trained over seconds, one line per
// device. The race holds the worker for seconds, so only the presenter starts one (never
// during a run), and only with a GPU to race; every viewer then sees the last race's result.

import { api } from '../api.js'
import { raceData } from '../chartdata.js'
import { FROM_ZERO, lineChart } from '../charts.js'
import { chartTools } from '../charttools.js'
import { el, setText } from '../dom.js'
import { RACING, raceCaption, shortCount } from '../text.js'

const RACE_COLORS = ['#d9480f', '#2b8a3e', '#1c7ed6']
const RACE_POLL_MS = 3000

/** @param {import('./index.js').PanelContext} context */
export function raceBox(context) {
  const button = context.presenter ? el('button', { class: 'lc-button lc-race', type: 'button', text: 'Race CPU vs GPU' }) : null
  const caption = el('p', { class: 'lc-note', role: 'status' })
  const chartBox = el('div', { class: 'lc-chart' })
  /** @type {ReturnType<typeof lineChart> | null} */
  let chart = null
  const drawn = () => {
    if (!chart) throw new Error('no race is drawn yet: its PNG is saved once one is')
    return chart
  }
  const tools = chartTools({ name: 'race', chart: { canvas: (ratio) => drawn().canvas(ratio) }, box: chartBox, caption: () => caption.textContent })
  tools.node.hidden = true // until a race is drawn
  const row = el('div', { class: 'lc-row' }, ...(button ? [button] : []), caption, tools.node)
  const node = el('div', { class: 'lc-race-box' }, row, chartBox)
  node.hidden = true
  /** @type {string | null} */
  let shown = null
  let racing = false
  let stopped = false
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null
  /** @param {import('../text.js').Race} result */
  const show = (result) => {
    if (stopped || JSON.stringify(result) === shown) return
    shown = JSON.stringify(result)
    chart?.destroy()
    chart = lineChart(chartBox, {
      height: context.chartHeight ?? 160,
      xLabel: 'seconds',
      yLabel: 'samples seen',
      yFormat: shortCount,
      series: result.devices.map((leg, i) => ({ label: leg.name, stroke: RACE_COLORS[i % RACE_COLORS.length], spanGaps: true })),
      scales: FROM_ZERO,
    })
    chart.update(() => raceData(result))
    setText(caption, raceCaption(result))
    tools.node.hidden = false
  }
  // The last race, for viewers who were not there when it ran (404 until the first).
  const poll = async () => {
    try {
      if (!racing) show(await api('/api/demo/race'))
    } catch {
      // no race yet, or the server is away: the connection banner says the latter
    }
    if (!stopped) timer = setTimeout(poll, RACE_POLL_MS)
  }
  const sync = () => {
    const gpu = Boolean(context.buffer.server?.cuda_available)
    node.hidden = !gpu
    if (gpu && timer === null && !stopped) poll()
    if (button) {
      const status = context.buffer.active?.status
      button.disabled = racing || status === 'running' || status === 'queued'
    }
  }
  button?.addEventListener('click', async () => {
    racing = true
    sync()
    setText(caption, RACING)
    try {
      show(await api('/api/demo/race', { method: 'POST' }))
    } catch (error) {
      if (!stopped) setText(caption, error instanceof Error ? error.message : String(error))
    } finally {
      racing = false
      if (!stopped) sync()
    }
  })
  return {
    node,
    sync,
    stop() {
      stopped = true
      clearTimeout(timer ?? undefined)
      chart?.destroy()
    },
  }
}
