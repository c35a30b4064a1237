// The MNIST slide's live chart: every batch's loss and accuracy as the run trains, the
// presenter's Train form above it, the chart's tools (smoothing, log axis, Save PNG), an
// earlier run to overlay below, and how far the current loss is from that run's.

import { chartTools } from '../charttools.js'
import { el, setText } from '../dom.js'
import { lossChart } from '../losschart.js'
import { paceNote } from '../pacenote.js'
import { WAITING, accuracyCheck, runLabel, smoothingNote } from '../text.js'
import { trainControls } from '../train.js'
import { replayBadge } from './badge.js'
import { listen } from './demo.js'
import { overlayPicker } from './overlay.js'

/** @type {import('./index.js').Build} */
export function mnist(element, context) {
  const status = el('p', { class: 'lc-status', role: 'status' })
  const badge = replayBadge()
  const check = el('p', { class: 'lc-check' })
  const gap = el('p', { class: 'lc-baseline' })
  const chartBox = el('div', { class: 'lc-chart' })
  const picker = overlayPicker(context, () => draw())
  const controls = context.presenter ? trainControls(context, picker) : null
  if (controls) element.append(controls.node)
  const pace = paceNote(context)
  const chart = lossChart(chartBox, context.chartHeight ?? 220, gap)
  const tools = chartTools({
    name: 'mnist-loss',
    chart: chart.chart,
    box: chartBox,
    caption: () => [status.textContent, smoothingNote(tools.weight), pace.node.textContent, gap.textContent].filter(Boolean).join(' · '),
    smoothing: true,
    log: true,
    onChange: () => draw(),
  })
  element.append(
    el('div', { class: 'lc-row' }, el('div', { class: 'lc-run' }, badge.node, status), tools.node),
    chartBox,
    pace.node,
    el('div', { class: 'lc-row' }, check, gap, picker.select),
  )
  const draw = () => {
    const run = context.buffer.active
    setText(status, context.buffer.server ? runLabel(run) : WAITING)
    badge.sync(run)
    setText(check, accuracyCheck(run?.epochs ?? []))
    controls?.sync()
    pace.sync()
    chart.draw(run, picker.run, tools.weight)
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    controls?.stop()
    picker.stop()
    chart.destroy()
  }
}
