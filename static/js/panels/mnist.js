// The MNIST slide's live chart: every batch's loss and accuracy as the run trains, the
// presenter's Train form above it, an earlier run to overlay below.

import { el, setText } from '../dom.js'
import { lossChart } from '../losschart.js'
import { paceNote } from '../pacenote.js'
import { WAITING, accuracyCheck, runLabel } from '../text.js'
import { trainControls } from '../train.js'
import { listen } from './demo.js'
import { overlayPicker } from './overlay.js'

/** @type {import('./index.js').Build} */
export function mnist(element, context) {
  const status = el('p', { class: 'lc-status', role: 'status' })
  const check = el('p', { class: 'lc-check' })
  const chartBox = el('div', { class: 'lc-chart' })
  const picker = overlayPicker(context, () => draw())
  const controls = context.presenter ? trainControls(context) : null
  if (controls) element.append(controls.node)
  const pace = paceNote(context)
  element.append(status, chartBox, pace.node, el('div', { class: 'lc-row' }, check, picker.select))
  const chart = lossChart(chartBox, context.chartHeight ?? 220)
  const draw = () => {
    const run = context.buffer.active
    setText(status, context.buffer.server ? runLabel(run) : WAITING)
    setText(check, accuracyCheck(run?.epochs ?? []))
    controls?.sync()
    pace.sync()
    chart.draw(run, picker.run)
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    controls?.stop()
    picker.stop()
    chart.destroy()
  }
}
