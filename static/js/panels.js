// The live panels, one per slide of the deck. The deck's Vue components and the audience
// page mount the same panels: `mountPanel(name, element, context)` returns `stop()`.
// Context: { connection, buffer, subscribe } from live.js, plus `presenter`, `chartHeight` and
// `pace` (the Train form's default pace, from the slide).

import { api, cachedGet, sharedGet } from './api.js'
import { AlignedData, raceData } from './chartdata.js'
import { FAINT, FROM_ZERO, lineChart } from './charts.js'
import { el, setText } from './dom.js'
import { lossChart } from './losschart.js'
import { paceNote } from './pacenote.js'
import { ENDED } from './points.js'
import { trainControls } from './train.js'
import {
  RACING,
  WAITING,
  accuracyCheck,
  deviceText,
  modesCaption,
  overlayLabel,
  percent,
  profileCaption,
  raceCaption,
  shortCount,
  runLabel,
  speedText,
  tuple,
} from './text.js'

export const PANELS = ['overview', 'dataloader', 'modes', 'mnist', 'progress', 'gpu']
const STEPS = [
  ['zero_grad', 'Clear accumulated gradients'],
  ['forward', 'Model makes predictions'],
  ['loss', 'Measure prediction error'],
  ['backward', 'Compute gradients'],
  ['step', 'Update weights'],
]
const EPOCH_TICKS = [1, 2, 5, 10, 20, 50]
// Validation accuracy close up (0.95 to 0.97 is the story), never past 0 or 1.
const ACC_SCALE = {
  y: { range: (_plot, min, max) => (min == null ? [0, 1] : [Math.max(0, min - 0.02), Math.min(1, max + 0.01)]) },
}
const RACE_COLORS = ['#d9480f', '#2b8a3e', '#1c7ed6']
const RETRY_MS = 5000

function listen(context, onChange) {
  const unsubscribe = context.subscribe(onChange)
  onChange({ type: 'mount' })
  return unsubscribe
}

// Loads a demo result once; until loopcast answers, says so and tries again (at once when
// the stream reconnects, else every few seconds). Returns stop().
function demo(context, path, note, show) {
  let stopped = false
  let done = false
  let timer = 0
  const load = () => {
    clearTimeout(timer)
    cachedGet(path)
      .then((result) => {
        if (stopped || done) return
        done = true
        show(result)
      })
      .catch((error) => {
        if (stopped) return
        setText(note, error.unreachable ? WAITING : `${error.message}: trying again…`)
        timer = setTimeout(load, RETRY_MS)
      })
  }
  load()
  let now = true // onState reports the current state at once: that load is under way
  const unsubscribe = context.connection.onState((state) => {
    if (!now && state === 'open' && !done) load()
  })
  now = false
  return () => {
    stopped = true
    clearTimeout(timer)
    unsubscribe()
  }
}

function overview(element, context) {
  const boxes = STEPS.map(([step, what]) =>
    el(
      'div',
      { class: `lc-step lc-step-${step}`, 'data-step': step },
      el('strong', { text: step }),
      el('span', { class: 'lc-what', text: what }),
      el('span', { class: 'lc-ms', text: '…' }),
    ),
  )
  const caption = el('p', { class: 'lc-note', text: WAITING })
  element.append(el('div', { class: 'lc-steps' }, ...boxes), caption)
  const stopDemo = demo(context, '/api/demo/profile', caption, (profile) => {
    STEPS.forEach(([step], i) => setText(boxes[i].querySelector('.lc-ms'), `${profile.ms[step].toFixed(3)} ms`))
    setText(caption, profileCaption(profile))
  })
  const unsubscribe = listen(context, () => {
    element.classList.toggle('lc-running', context.buffer.active?.status === 'running')
  })
  return () => {
    stopDemo()
    unsubscribe()
  }
}

function digit(pixels, label) {
  const canvas = el('canvas', { width: '28', height: '28', class: 'lc-digit' })
  const context = canvas.getContext('2d')
  if (context) {
    const image = context.createImageData(28, 28)
    pixels.forEach((value, i) => {
      image.data[i * 4] = image.data[i * 4 + 1] = image.data[i * 4 + 2] = value
      image.data[i * 4 + 3] = 255
    })
    context.putImageData(image, 0, 0)
  }
  return el('figure', {}, canvas, el('figcaption', { text: String(label) }))
}

function dataloader(element, context) {
  let index = 0
  let stopDemo = () => {}
  const shapes = el('p', { class: 'lc-shapes', text: WAITING })
  const next = el('button', { class: 'lc-button', type: 'button', text: 'Next batch' })
  const grid = el('div', { class: 'lc-batch' })
  element.append(el('div', { class: 'lc-row' }, shapes, next), grid)
  const show = () => {
    stopDemo()
    stopDemo = demo(context, `/api/demo/batch?dataset=mnist&index=${index}`, shapes, (batch) => {
      setText(shapes, `images.shape = ${tuple(batch.shape)}   labels.shape = ${tuple(batch.labels_shape)}   batch ${batch.index}`)
      const pixels = Uint8Array.from(atob(batch.images), (c) => c.charCodeAt(0))
      grid.replaceChildren(...batch.labels.map((label, i) => digit(pixels.subarray(i * 784, (i + 1) * 784), label)))
    })
  }
  next.addEventListener('click', () => {
    index += 1
    show()
  })
  show()
  return () => stopDemo()
}

function modes(element, context) {
  const box = (label, kind) => el('div', { class: `lc-mode lc-mode-${kind}` }, el('span', { text: label }), el('strong', { text: '…' }))
  const train = box('model.train()', 'train')
  const evaluate = box('model.eval()', 'eval')
  const caption = el('p', { class: 'lc-note', text: WAITING })
  element.append(el('div', { class: 'lc-modes' }, train, evaluate), caption)
  return demo(context, '/api/demo/modes', caption, (result) => {
    setText(train.querySelector('strong'), percent(result.train_mode_acc))
    setText(evaluate.querySelector('strong'), percent(result.eval_mode_acc))
    setText(caption, modesCaption(result))
  })
}

// A small selector of earlier runs; `onPick(run with points and epochs | null)`. The list
// is asked again when a run ends or another starts, so the run just finished can be
// overlaid (not on every reconnect: a hall of phones would all ask at once).
function overlayPicker(context, onPick) {
  const none = () => el('option', { value: '', text: 'Overlay: none' })
  const select = el('select', { class: 'lc-overlay', 'aria-label': 'Overlay an earlier run' }, none())
  const refresh = () =>
    sharedGet('/api/runs')
      .then(({ runs }) => {
        const chosen = select.value
        select.replaceChildren(none())
        for (const run of runs) {
          if (run.id !== context.buffer.current) select.append(el('option', { value: String(run.id), text: overlayLabel(run) }))
        }
        select.value = [...select.options].some((option) => option.value === chosen) ? chosen : ''
      })
      .catch(() => {})
  select.addEventListener('change', async () => {
    try {
      onPick(select.value ? await cachedGet(`/api/runs/${select.value}`) : null)
    } catch {
      onPick(null)
    }
  })
  refresh()
  let listed = context.buffer.current
  const unsubscribe = context.subscribe((message) => {
    const started = message.type === 'snapshot' && message.run !== listed
    if (started || (message.type === 'status' && ENDED.has(message.status))) {
      listed = context.buffer.current
      refresh()
    }
  })
  return { select, stop: unsubscribe }
}

function mnist(element, context) {
  const status = el('p', { class: 'lc-status', role: 'status' })
  const check = el('p', { class: 'lc-check' })
  const chartBox = el('div', { class: 'lc-chart' })
  let overlay = null
  const picker = overlayPicker(context, (run) => {
    overlay = run
    draw()
  })
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
    chart.draw(run, overlay)
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    picker.stop()
    chart.destroy()
  }
}

function progress(element, context) {
  const lossBox = el('div', { class: 'lc-chart' })
  const accBox = el('div', { class: 'lc-chart' })
  let overlay = null
  const picker = overlayPicker(context, (run) => {
    overlay = run
    draw()
  })
  const note = el('p', { class: 'lc-note' })
  element.append(el('div', { class: 'lc-row' }, note, picker.select), el('div', { class: 'lc-pair' }, lossBox, accBox))
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
  const lossColumns = new AlignedData(3)
  const accColumns = new AlignedData(2)
  const draw = () => {
    const epochs = context.buffer.active?.epochs ?? []
    const earlier = overlay?.epochs ?? []
    const waiting = context.buffer.server ? 'Each epoch adds a point when it ends: train loss, validation loss and accuracy.' : WAITING
    setText(note, epochs.length ? `${epochs.length} epoch(s) so far` : waiting)
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

// The race holds the worker for seconds, so only the presenter starts one (never during a
// run), and only with a GPU to race; every viewer then sees the last race's result.
function gpu(element, context) {
  const device = el('p', { class: 'lc-device' })
  const speed = el('p', { class: 'lc-speed' })
  const note = el('p', { class: 'lc-gpu-note' })
  element.append(device, speed, note)
  const race = raceBox(context)
  element.append(race.node)
  const unsubscribe = listen(context, () => {
    const text = deviceText(context.buffer.server)
    setText(device, text.device)
    setText(note, text.note)
    note.classList.toggle('lc-no-gpu', context.buffer.server?.cuda_available === false)
    setText(speed, speedText(context.buffer.active))
    race.sync()
  })
  return () => {
    unsubscribe()
    race.stop()
  }
}

const RACE_POLL_MS = 3000

function raceBox(context) {
  const button = context.presenter
    ? el('button', { class: 'lc-button lc-race', type: 'button', text: 'Race CPU vs GPU' })
    : null
  const caption = el('p', { class: 'lc-note', role: 'status' })
  const chartBox = el('div', { class: 'lc-chart' })
  const row = el('div', { class: 'lc-row' }, ...(button ? [button] : []), caption)
  const node = el('div', { class: 'lc-race-box' }, row, chartBox)
  node.hidden = true
  let chart = null
  let shown = null
  let racing = false
  let stopped = false
  let timer = null
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
      if (!stopped) setText(caption, error.message)
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
      clearTimeout(timer)
      chart?.destroy()
    },
  }
}

const FACTORIES = { overview, dataloader, modes, mnist, progress, gpu }

export function mountPanel(name, element, context) {
  const factory = FACTORIES[name]
  if (!factory) throw new Error(`unknown panel ${name}`)
  element.classList.add('lc-panel', `lc-panel-${name}`)
  const stop = factory(element, context)
  return () => {
    stop()
    element.replaceChildren()
    element.classList.remove('lc-panel', `lc-panel-${name}`, 'lc-running')
  }
}
