// The live panels, one per slide of the deck. The deck's Vue components and the audience
// page mount the same panels: `mountPanel(name, element, context)` returns `stop()`.

import { api } from './api.js'
import { FAINT, aligned, lineChart } from './charts.js'
import { el, percent, setText } from './dom.js'
import { samplesPerSecond } from './points.js'

export const PANELS = ['overview', 'dataloader', 'modes', 'mnist', 'progress', 'gpu']
const STEPS = ['zero_grad', 'forward', 'loss', 'backward', 'step']
const EPOCH_TICKS = [1, 2, 5, 10, 20, 50]

function listen(context, onChange) {
  const unsubscribe = context.subscribe(onChange)
  onChange({ type: 'mount' })
  return unsubscribe
}

function waiting(element, what) {
  const note = el('p', { class: 'lc-note', text: `Waiting for loopcast: ${what}…` })
  element.append(note)
  return note
}

function overview(element, context) {
  const boxes = STEPS.map((step) =>
    el('div', { class: `lc-step lc-step-${step}`, 'data-step': step }, el('strong', { text: step }), el('span', { class: 'lc-ms', text: '…' })),
  )
  const caption = el('p', { class: 'lc-note', text: 'Measured time per step on this device, batch 64.' })
  element.append(el('div', { class: 'lc-steps' }, ...boxes), caption)
  api('/api/demo/profile')
    .then((profile) => {
      STEPS.forEach((step, i) => setText(boxes[i].querySelector('.lc-ms'), `${profile.ms[step].toFixed(3)} ms`))
      setText(caption, `Measured on ${profile.device}: mean of ${profile.steps} steps of the seed's mlp, batch ${profile.batch_size}.`)
    })
    .catch((error) => setText(caption, `Profile unavailable: ${error.message}`))
  return listen(context, () => {
    const running = context.buffer.active?.status === 'running'
    element.classList.toggle('lc-running', running)
  })
}

function dataloader(element, context) {
  let index = 0
  const grid = el('div', { class: 'lc-batch' })
  const shapes = el('p', { class: 'lc-shapes', text: '' })
  const next = el('button', { class: 'lc-button', type: 'button', text: 'Next batch' })
  element.append(shapes, grid, next)
  const note = waiting(element, 'a real batch from the DataLoader')
  const show = async () => {
    try {
      const batch = await api(`/api/demo/batch?index=${index}`)
      note.remove()
      setText(shapes, `images.shape = ${tuple(batch.shape)}   labels.shape = ${tuple(batch.labels_shape)}   batch ${batch.index}`)
      const pixels = Uint8Array.from(atob(batch.images), (c) => c.charCodeAt(0))
      grid.replaceChildren(...batch.labels.map((label, i) => digit(pixels.subarray(i * 784, (i + 1) * 784), label)))
    } catch (error) {
      setText(note, `Batch unavailable: ${error.message}`)
    }
  }
  next.addEventListener('click', () => {
    index += 1
    show()
  })
  show()
  return () => {}
}

// Python's spelling of a shape: (64,) for one dimension.
function tuple(shape) {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
}

function digit(pixels, label) {
  const canvas = el('canvas', { width: '28', height: '28', class: 'lc-digit' })
  const context = canvas.getContext('2d')
  if (context) {
    const image = context.createImageData(28, 28)
    pixels.forEach((value, i) => image.data.set([value, value, value, 255], i * 4))
    context.putImageData(image, 0, 0)
  }
  return el('figure', {}, canvas, el('figcaption', { text: String(label) }))
}

function modes(element) {
  const train = el('div', { class: 'lc-mode' }, el('span', { text: 'model.train()' }), el('strong', { text: '…' }))
  const evaluate = el('div', { class: 'lc-mode lc-mode-eval' }, el('span', { text: 'model.eval()' }), el('strong', { text: '…' }))
  const caption = el('p', { class: 'lc-note', text: 'Training a Dropout + BatchNorm net, then scoring the same weights in both modes…' })
  element.append(el('div', { class: 'lc-modes' }, train, evaluate), caption)
  api('/api/demo/modes')
    .then((result) => {
      setText(train.querySelector('strong'), percent(result.train_mode_acc))
      setText(evaluate.querySelector('strong'), percent(result.eval_mode_acc))
      setText(caption, `${result.model}, ${result.trained_steps} steps; accuracy on ${result.test_images} test images with the same weights. Forgetting model.eval() costs ${((result.eval_mode_acc - result.train_mode_acc) * 100).toFixed(1)} points.`)
    })
    .catch((error) => setText(caption, `Unavailable: ${error.message}`))
  return () => {}
}

function overlayPicker(context, onPick) {
  const select = el('select', { class: 'lc-overlay', 'aria-label': 'Overlay an earlier run' })
  select.append(el('option', { value: '', text: 'Overlay: none' }))
  api('/api/runs')
    .then(({ runs }) => {
      for (const run of runs) {
        if (run.id === context.buffer.current) continue
        const label = `Run ${run.id}${run.name ? ` (${run.name})` : ''}: ${run.config.model}, ${run.status}`
        select.append(el('option', { value: String(run.id), text: label }))
      }
    })
    .catch(() => {})
  select.addEventListener('change', async () => {
    onPick(select.value ? await api(`/api/runs/${select.value}`) : null)
  })
  return select
}

function trainControls(context) {
  const field = (label, input) => el('label', {}, el('span', { text: label }), input)
  const choice = (name, values) => {
    const select = el('select', { name })
    for (const value of values) select.append(el('option', { value, text: value }))
    return select
  }
  const inputs = {
    model: choice('model', ['mlp', 'cnn']),
    optimizer: choice('optimizer', ['adam', 'sgd']),
    lr: el('input', { name: 'lr', type: 'number', value: '0.001', step: 'any', min: '0' }),
    batch_size: el('input', { name: 'batch_size', type: 'number', value: '64', min: '1', max: '8192' }),
    epochs: el('input', { name: 'epochs', type: 'number', value: '3', min: '1', max: '50' }),
  }
  const train = el('button', { class: 'lc-button lc-train', type: 'button', text: 'Train' })
  const stop = el('button', { class: 'lc-button lc-stop', type: 'button', text: 'Stop' })
  const message = el('span', { class: 'lc-error', role: 'status' })
  train.addEventListener('click', async () => {
    setText(message, '')
    try {
      await api('/api/runs', {
        method: 'POST',
        body: {
          model: inputs.model.value,
          optimizer: inputs.optimizer.value,
          lr: Number(inputs.lr.value),
          batch_size: Number(inputs.batch_size.value),
          epochs: Number(inputs.epochs.value),
        },
      })
    } catch (error) {
      setText(message, error.message)
    }
  })
  stop.addEventListener('click', async () => {
    const run = context.buffer.active
    if (!run) return
    try {
      await api(`/api/runs/${run.id}/stop`, { method: 'POST' })
    } catch (error) {
      setText(message, error.message)
    }
  })
  return el(
    'div',
    { class: 'lc-controls' },
    field('model', inputs.model),
    field('optimizer', inputs.optimizer),
    field('lr', inputs.lr),
    field('batch', inputs.batch_size),
    field('epochs', inputs.epochs),
    train,
    stop,
    message,
  )
}

function runLabel(run) {
  if (!run) return 'No run yet.'
  const config = run.info?.config
  const what = config ? `${config.model}, ${config.optimizer} lr ${config.lr}, batch ${config.batch_size}` : ''
  const name = run.info?.name ? ` “${run.info.name}”` : ''
  const reason = run.reason ? ` (${run.reason})` : ''
  return `Run ${run.id}${name}: ${what}, ${run.status}${reason}`
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
  if (context.presenter) element.append(trainControls(context))
  element.append(status, chartBox, el('div', { class: 'lc-row' }, check, picker))
  const chart = lineChart(chartBox, {
    height: context.chartHeight ?? 220,
    xLabel: 'batch',
    yLabel: 'loss',
    series: [
      { label: 'loss', stroke: '#d9480f' },
      { label: 'batch accuracy', stroke: '#1c7ed6', scale: 'right' },
      { label: 'earlier run loss', stroke: FAINT },
    ],
    scales: { right: { range: [0, 1] } },
  })
  const draw = () => {
    const run = context.buffer.active
    const series = run?.series
    setText(status, runLabel(run))
    const last = run?.epochs.at(-1)
    setText(check, last ? `After epoch ${last.epoch}: validation accuracy ${percent(last.val_acc)} ${last.val_acc >= 0.97 ? '✓ ~97% reached' : '(the slide promises ~97%)'}` : 'Validation accuracy appears after each epoch.')
    const loss = series ? Array.from(series.view('loss')) : []
    const acc = series ? Array.from(series.view('acc')) : []
    chart.setData(aligned([loss, acc, overlay?.points?.loss ?? []]))
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    chart.destroy()
  }
}

function progress(element, context) {
  const lossBox = el('div', { class: 'lc-chart lc-half' })
  const accBox = el('div', { class: 'lc-chart lc-half' })
  let overlay = null
  const picker = overlayPicker(context, (run) => {
    overlay = run
    draw()
  })
  const note = el('p', { class: 'lc-note' })
  element.append(note, el('div', { class: 'lc-pair' }, lossBox, accBox), picker)
  const lossChart = lineChart(lossBox, {
    xLabel: 'epoch',
    xIncrs: EPOCH_TICKS,
    yLabel: 'loss',
    height: context.chartHeight ?? 200,
    series: [
      { label: 'train', stroke: '#d9480f', points: { show: true } },
      { label: 'validation', stroke: '#1c7ed6', points: { show: true } },
      { label: 'earlier validation', stroke: FAINT },
    ],
  })
  const accChart = lineChart(accBox, {
    xLabel: 'epoch',
    xIncrs: EPOCH_TICKS,
    scales: { y: { range: [0, 1] } },
    yLabel: 'validation accuracy',
    height: context.chartHeight ?? 200,
    series: [
      { label: 'validation accuracy', stroke: '#2b8a3e', points: { show: true } },
      { label: 'earlier run', stroke: FAINT },
    ],
  })
  const draw = () => {
    const epochs = context.buffer.active?.epochs ?? []
    const earlier = overlay?.epochs ?? []
    setText(note, epochs.length ? `${epochs.length} epoch(s) so far` : 'Each epoch adds a point here when it ends (train loss, validation loss and accuracy).')
    lossChart.setData(aligned([epochs.map((e) => e.train_loss), epochs.map((e) => e.val_loss), earlier.map((e) => e.val_loss)]))
    accChart.setData(aligned([epochs.map((e) => e.val_acc), earlier.map((e) => e.val_acc)]))
  }
  const unsubscribe = listen(context, draw)
  return () => {
    unsubscribe()
    lossChart.destroy()
    accChart.destroy()
  }
}

function gpu(element, context) {
  const device = el('p', { class: 'lc-device' })
  const speed = el('p', { class: 'lc-speed' })
  const note = el('p', { class: 'lc-note' })
  element.append(device, speed, note)
  return listen(context, () => {
    const server = context.buffer.server
    const run = context.buffer.active
    setText(device, server ? `Training on: ${server.device_name ?? server.device}` : 'Waiting for loopcast…')
    setText(note, server && !server.cuda_available ? 'No GPU on this server: training on the CPU.' : server ? 'CUDA GPU available.' : '')
    const batch = run?.info?.config?.batch_size ?? 64
    const rate = run ? samplesPerSecond(run.series, batch) : 0
    const epochRate = run?.epochs.at(-1)?.samples_per_s
    setText(speed, rate ? `${Math.round(rate).toLocaleString('en')} samples/s (live)` : epochRate ? `${Math.round(epochRate).toLocaleString('en')} samples/s (last epoch)` : 'samples/s appear while a run trains')
  })
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
  }
}
