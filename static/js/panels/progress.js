// Train and validation loss, and validation accuracy, one point per epoch as it ends:
// the slide's two matplotlib plots, live.

import { AlignedData } from '../chartdata.js'
import { FAINT, FROM_ZERO, lineChart } from '../charts.js'
import { chartTools } from '../charttools.js'
import { el, setText } from '../dom.js'
import { WAITING, runLabel } from '../text.js'
import { replayBadge } from './badge.js'
import { listen } from './demo.js'
import { overlayPicker } from './overlay.js'

const EPOCH_TICKS = [1, 2, 5, 10, 20, 50]
// Validation accuracy close up (0.95 to 0.97 is the story), never past 0 or 1.
/** @type {Record<string, import('../../vendor/uPlot.esm.js').Scale>} */
const ACC_SCALE = {
  y: { range: (_plot, min, max) => (min == null ? [0, 1] : [Math.max(0, min - 0.02), Math.min(1, max + 0.01)]) },
}

/** @type {import('./index.js').Build} */
export function progress(element, context) {
  const lossBox = el('div', { class: 'lc-chart' })
  const accBox = el('div', { class: 'lc-chart' })
  const picker = overlayPicker(context, () => draw())
  const note = el('p', { class: 'lc-note' })
  const badge = replayBadge()
  const height = context.chartHeight ?? 200
  const lossChart = lineChart(lossBox, {
    xLabel: 'epoch',
    xIncrs: EPOCH_TICKS,
    yLabel: 'loss',
    scales: FROM_ZERO,
    height,
    series: [
      { label: 'train', stroke: '#d9480f', points: { show: true } },
      { label: 'validation', stroke: '#1c7ed6', points: { show: true } },
      { label: 'earlier val.', stroke: FAINT },
    ],
  })
  const accChart = lineChart(accBox, {
    xLabel: 'epoch',
    xIncrs: EPOCH_TICKS,
    scales: ACC_SCALE,
    yLabel: 'accuracy',
    height,
    series: [
      { label: 'validation accuracy', stroke: '#2b8a3e', points: { show: true } },
      { label: 'earlier run', stroke: FAINT },
    ],
  })
  const caption = () => `${runLabel(context.buffer.active)} · ${note.textContent}`
  const lossTools = chartTools({ name: 'progress-loss', label: 'loss', chart: lossChart, box: lossBox, caption, log: true })
  const accTools = chartTools({ name: 'progress-accuracy', label: 'accuracy', chart: accChart, box: accBox, caption })
  // The tools share the top row: the slide has no height to spare for a row per chart.
  element.append(
    el('div', { class: 'lc-row' }, el('div', { class: 'lc-run' }, badge.node, note), lossTools.node, accTools.node, picker.select),
    el('div', { class: 'lc-pair' }, lossBox, accBox),
  )
  const lossColumns = new AlignedData(3)
  const accColumns = new AlignedData(2)
  const draw = () => {
    const epochs = context.buffer.active?.epochs ?? []
    const earlier = picker.run?.epochs ?? []
    const waiting = context.buffer.server ? 'Each epoch adds a point when it ends: train loss, validation loss and accuracy.' : WAITING
    setText(note, epochs.length ? `${epochs.length} epoch(s) so far` : waiting)
    badge.sync(context.buffer.active)
    /** @param {any[]} list @param {string} name */
    const column = (list, name) => ({ key: list, values: list.map((epoch) => epoch[name]) })
    lossChart.update(() => lossColumns.update([column(epochs, 'train_loss'), column(epochs, 'val_loss'), column(earlier, 'val_loss')]))
    accChart.update(() => accColumns.update([column(epochs, 'val_acc'), column(earlier, 'val_acc')]))
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    picker.stop()
    lossChart.destroy()
    accChart.destroy()
  }
}
