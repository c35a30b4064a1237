// The MNIST slide's live chart: every batch's loss and accuracy as the run trains, the
// presenter's Train form above it, the chart's tools (smoothing, log axis, Save PNG), an
// earlier run to overlay below, and how far the current loss is from that run's. A slide
// may place the two apart (index.js's parts): the chart alone, or the form alone.

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

// The chart alone, read-only, as the audience page shows it: the form is a part of its own.
/** @type {import('./index.js').Build} */
export const mnistChart = (element, context) => mnist(element, { ...context, presenter: false })

// The presenter's Train form alone (nothing elsewhere). Its Replay replays the newest
// finished run: the overlay picker, whose pick it would replay, stays with the chart.
/** @type {import('./index.js').Build} */
export function trainForm(element, context) {
  if (!context.presenter) return () => {}
  const picker = overlayPicker(context, () => controls.sync())
  const controls = trainControls(context, picker)
  element.append(controls.node)
  const unsubscribe = listen(context, () => controls.sync())
  return () => {
    unsubscribe()
    controls.stop()
    picker.stop()
  }
}
