// What the panels say, as pure functions of the stream's state (tested without a browser).

import { heldRows, samplesPerSecond } from './points.js'

/**
 * @typedef {import('./points.js').Run} Run
 * @typedef {import('./messages').RunInfo} RunInfo
 * @typedef {import('./messages').EpochMessage} EpochMessage
 * @typedef {import('./messages').SnapshotMessage['server']} ServerStatus
 * @typedef {{ name: string, samples_per_s: number, curve: { t: number[], samples: number[] } }} RaceLeg
 * @typedef {{ devices: RaceLeg[], model: string, batch_size: number, seconds: number, speedup: number }} Race
 *   GET /api/race's answer: the fields the browser reads
 * @typedef {{ model: string, trained_steps: number, test_images: number, eval_mode_acc: number,
 *   train_mode_acc: number }} ModesResult GET /api/modes's answer: the fields read here
 * @typedef {{ device: string, steps?: number, model: string, batch_size: number }} Profile
 * @typedef {{ seq: number, gap: number }} Gap
 */

export const WAITING = 'Waiting for the loopcast server…'
const TARGET_ACC = 0.97

/** @param {number | null | undefined} value */
export function percent(value) {
  return value == null ? '–' : `${(value * 100).toFixed(1)}%`
}

// Python's spelling of a shape: (64,) for one dimension.
/** @param {readonly number[]} shape */
export function tuple(shape) {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
}

/** @param {Run | null | undefined} run */
export function runLabel(run) {
  if (!run) return 'No run yet: the presenter starts one with Train.'
  const config = run.info?.config
  const what = config ? `${config.model}, ${config.optimizer} lr ${config.lr}, batch ${config.batch_size}, ` : ''
  const name = run.info?.name ? ` “${run.info.name}”` : ''
  const reason = run.reason ? ` (${run.reason})` : ''
  return `Run ${run.id}${name}: ${what}${run.status ?? 'waiting'}${reason}`
}

// The slide promises "~97% accuracy in just a few epochs": the latest val_acc checks it.
/** @param {EpochMessage[]} epochs */
export function accuracyCheck(epochs) {
  const last = epochs.at(-1)
  if (!last) return 'Validation accuracy appears after each epoch.'
  const verdict = last.val_acc >= TARGET_ACC ? '✓ ~97% reached' : '(the slide promises ~97%)'
  return `After epoch ${last.epoch}: validation accuracy ${percent(last.val_acc)} ${verdict}`
}

/** @param {ServerStatus | null} server */
export function deviceText(server) {
  if (!server) return { device: WAITING, note: '' }
  const device = `Training on: ${server.device_name ?? server.device}`
  const note = server.cuda_available ? 'CUDA GPU available.' : 'No GPU on this server: training on the CPU.'
  return { device, note }
}

// Axis ticks in a few characters ("250k", "1.5M"), so a count axis keeps its label clear.
/** @param {number} value */
export function shortCount(value) {
  const size = Math.abs(value)
  if (size >= 1e6) return `${+(value / 1e6).toFixed(1)}M`
  if (size >= 1e3) return `${+(value / 1e3).toFixed(1)}k`
  return `${value}`
}

/** @param {number} value */
function rate(value) {
  return `${Math.round(value).toLocaleString('en')} samples/s`
}

// Live while a run trains (from its points or buckets); the last epoch's measured rate
// after it, and always for a paced run (its live rate is the pace, not the device).
/** @param {Run | null | undefined} run */
export function speedText(run) {
  if (!run) return 'samples/s appear while a run trains'
  const config = run.info?.config
  const live = run.status === 'running' && !config?.pace_s ? samplesPerSecond(heldRows(run), config?.batch_size ?? 64) : 0
  if (live) return `${rate(live)} (live)`
  const measured = run.epochs.at(-1)?.samples_per_s
  return measured ? `${rate(measured)} (run ${run.id}, last epoch)` : 'samples/s appear while a run trains'
}

export const RACING = 'Racing: the same training on each device, a few seconds each…'

// "NVIDIA H100 trained 31.2× as many samples per second as CPU (15 threads): …"
/** @param {Race} race */
export function raceCaption(race) {
  const first = race.devices[0]
  const last = race.devices[race.devices.length - 1]
  const what = `${race.model}, batch ${race.batch_size}, ${race.seconds} s each`
  return `${last.name} trained ${race.speedup.toFixed(1)}× as many samples per second as ${first.name}: ${rate(last.samples_per_s)} against ${rate(first.samples_per_s)} (${what}).`
}

/** @param {ModesResult} result */
export function modesCaption(result) {
  const cost = ((result.eval_mode_acc - result.train_mode_acc) * 100).toFixed(1)
  return `${result.model}, ${result.trained_steps} steps; accuracy on ${result.test_images} test images with the same weights. Forgetting model.eval() costs ${cost} points.`
}

/** @param {Profile} profile */
export function profileCaption(profile) {
  const steps = profile.steps ? `mean of ${profile.steps} steps` : 'mean per step'
  return `Measured on ${profile.device}: ${steps} of the ${profile.model} above, batch ${profile.batch_size}.`
}

// "REPLAY of run 3, ×10" for a replay's run object; '' for a trained run.
/** @param {RunInfo | null | undefined} info */
export function replayText(info) {
  return info?.replay_of == null ? '' : `REPLAY of run ${info.replay_of}, ×${+Number(info.replay_speed ?? 1).toFixed(2)}`
}

/** @param {RunInfo} run */
export function overlayLabel(run) {
  const name = run.name ? ` “${run.name}”` : ''
  const replay = replayText(run)
  return `Run ${run.id}${name}: ${run.config.model}, ${run.config.optimizer}, ${run.status}${replay ? ` (${replay})` : ''}`
}

// "12 s", "0.9 s", "0.12 s": two significant digits below 10 s, whole seconds above.
/** @param {number} value */
export function seconds(value) {
  const shown = value >= 10 ? Math.round(value).toLocaleString('en') : `${+value.toPrecision(2)}`
  return `${shown} s`
}

// Under the chart of a paced run: how long the device alone would take. While it runs,
// the last epoch's unpaced speed; once it ended, the run's unpaced seconds. '' unpaced.
/** @param {Run | null | undefined} run */
export function paceCaption(run) {
  const info = run?.info
  const pace = info?.config?.pace_s
  if (!run || !info || !pace) return ''
  const device = info.device_name ?? info.device ?? 'this server'
  const paced = `paced to ${seconds(pace)}`
  if (info.unpaced_s != null) return `${paced}; unpaced, this run takes ${seconds(info.unpaced_s)} on ${device}`
  const measured = run.epochs.at(-1)?.samples_per_s
  if (measured) return `${paced}; unpaced: ${rate(measured)} on ${device}`
  return `${paced}; the unpaced speed on ${device} shows after the first epoch`
}

// A saved chart's caption says how its curves were smoothed ('' when they were not).
/** @param {number} weight */
export function smoothingNote(weight) {
  return weight > 0 ? `loss and accuracy smoothed (EMA ${weight.toFixed(2)}), raw loss faint` : ''
}

// Under the loss chart with an overlay: how far the current run is from the earlier one.
/** @param {Gap | null} gap @param {number} earlierId */
export function baselineText(gap, earlierId) {
  if (!gap) return `vs run ${earlierId}: the difference shows once both have a batch in common`
  const sign = gap.gap > 0 ? '+' : gap.gap < 0 ? '−' : '±'
  const verdict = gap.gap > 0 ? 'higher' : gap.gap < 0 ? 'lower' : 'the same'
  return `vs run ${earlierId} at batch ${gap.seq.toLocaleString('en')}: ${sign}${Math.abs(gap.gap).toFixed(3)} loss (smoothed, ${verdict})`
}
