import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Buckets, Series } from '../points.js'
import { WAITING, accuracyCheck, deviceText, overlayLabel, paceCaption, percent, profileCaption, raceCaption, runLabel, seconds, shortCount, speedText, tuple } from '../text.js'

/** @param {object} [extra] @returns {any} a Run of points.js: the fields text.js reads */
const run = (extra = {}) => ({
  id: 4,
  status: 'running',
  reason: null,
  epochs: [],
  series: new Series(),
  info: { name: '', config: { model: 'mlp', optimizer: 'adam', lr: 0.001, batch_size: 64 } },
  ...extra,
})

test('shapes are spelled as Python prints them', () => {
  assert.equal(tuple([64, 1, 28, 28]), '(64, 1, 28, 28)')
  assert.equal(tuple([64]), '(64,)')
})

test('the run label names the run, its config, status and reason, as plain text', () => {
  assert.equal(runLabel(null), 'No run yet: the presenter starts one with Train.')
  assert.equal(runLabel(run()), 'Run 4: mlp, adam lr 0.001, batch 64, running')
  const hostile = run({ status: 'failed', reason: 'diverged', info: { ...run().info, name: '<img src=x onerror=alert(1)>' } })
  assert.equal(runLabel(hostile), 'Run 4 “<img src=x onerror=alert(1)>”: mlp, adam lr 0.001, batch 64, failed (diverged)')
})

test('the ~97% check reads the latest epoch', () => {
  assert.equal(accuracyCheck([]), 'Validation accuracy appears after each epoch.')
  assert.equal(accuracyCheck(/** @type {any} */ ([{ epoch: 1, val_acc: 0.95 }])), 'After epoch 1: validation accuracy 95.0% (the slide promises ~97%)')
  assert.equal(accuracyCheck(/** @type {any} */ ([{ epoch: 1, val_acc: 0.95 }, { epoch: 2, val_acc: 0.9712 }])), 'After epoch 2: validation accuracy 97.1% ✓ ~97% reached')
  assert.equal(percent(null), '–')
})

test('no GPU is said plainly; no server is waited for', () => {
  assert.deepEqual(deviceText(null), { device: WAITING, note: '' })
  const cpu = deviceText({ device: 'cpu', device_name: 'CPU (2 threads)', cuda_available: false })
  assert.equal(cpu.device, 'Training on: CPU (2 threads)')
  assert.equal(cpu.note, 'No GPU on this server: training on the CPU.')
  assert.equal(deviceText({ device: 'cuda', device_name: 'NVIDIA H100', cuda_available: true }).note, 'CUDA GPU available.')
})

test('samples/s: live from the points while running, the last epoch after', () => {
  const series = new Series()
  const seq = Array.from({ length: 51 }, (_, i) => i + 1)
  series.append({ seq, step: seq, epoch: seq, loss: seq, acc: seq, t: seq.map((s) => s / 50) })
  assert.equal(speedText(run({ series })), '3,200 samples/s (live)')
  assert.equal(speedText(run({ series, status: 'finished', epochs: [{ samples_per_s: 12000.4 }] })), '12,000 samples/s (run 4, last epoch)')
  assert.equal(speedText(null), 'samples/s appear while a run trains')
})

test('captions tolerate fields the protocol does not promise', () => {
  const profile = { device: 'cpu', model: 'mlp', batch_size: 64, ms: {} }
  assert.equal(profileCaption(profile), 'Measured on cpu: mean per step of the mlp above, batch 64.')
  assert.equal(profileCaption({ ...profile, steps: 20 }), 'Measured on cpu: mean of 20 steps of the mlp above, batch 64.')
  assert.equal(overlayLabel(/** @type {any} */ ({ id: 2, name: 'a<b', config: { model: 'cnn', optimizer: 'sgd' }, status: 'stopped' })), 'Run 2 “a<b”: cnn, sgd, stopped')
})

test('the race caption names both devices, the speedup and what raced', () => {
  const leg = (/** @type {string} */ name, /** @type {number} */ rate) => ({ device: name.startsWith('CPU') ? 'cpu' : 'cuda', name, samples_per_s: rate, curve: {} })
  /** @type {any} legs without curves: the caption reads none */
  const race = {
    model: 'mlp',
    batch_size: 64,
    seconds: 3,
    devices: [leg('CPU (15 threads)', 48789.4), leg('NVIDIA H100 80GB HBM3', 1522222.2)],
    speedup: 1522222.2 / 48789.4,
  }
  assert.equal(
    raceCaption(race),
    'NVIDIA H100 80GB HBM3 trained 31.2× as many samples per second as CPU (15 threads): 1,522,222 samples/s against 48,789 samples/s (mlp, batch 64, 3 s each).',
  )
})

test('count ticks stay short', () => {
  assert.deepEqual([0, 500, 1000, 250000, 1500000, 2000000].map(shortCount), ['0', '500', '1k', '250k', '1.5M', '2M'])
})

/** @param {number} pace @param {object} [extra] */
const paced = (pace, extra = {}) =>
  run({ info: { device_name: 'CPU (2 threads)', config: { batch_size: 64, pace_s: pace }, unpaced_s: null }, ...extra })

test('seconds: two significant digits below 10 s, whole seconds above', () => {
  assert.deepEqual([0.123, 0.9, 4, 9.96, 30, 1234.4].map(seconds), ['0.12 s', '0.9 s', '4 s', '10 s', '30 s', '1,234 s'])
})

test('pace caption: nothing for an unpaced run; the device speed while paced; the unpaced time once ended', () => {
  assert.equal(paceCaption(null), '')
  assert.equal(paceCaption(run()), '')
  assert.equal(paceCaption(paced(0)), '')
  assert.equal(paceCaption(paced(30)), 'paced to 30 s; the unpaced speed on CPU (2 threads) shows after the first epoch')
  const epochs = [{ epoch: 1, samples_per_s: 52_000.4 }]
  assert.equal(paceCaption(paced(30, { epochs })), 'paced to 30 s; unpaced: 52,000 samples/s on CPU (2 threads)')
  const ended = paced(30, { status: 'finished', epochs })
  ended.info = { ...ended.info, device_name: 'NVIDIA H100 80GB HBM3', unpaced_s: 0.91 }
  assert.equal(paceCaption(ended), 'paced to 30 s; unpaced, this run takes 0.91 s on NVIDIA H100 80GB HBM3')
})

test('a paced run shows the device speed of its last epoch, not its paced live rate; buckets give the live rate', () => {
  const buckets = new Buckets()
  buckets.append({ first_seq: [1, 2], last_seq: [1, 101], loss_min: [1, 1], loss_max: [1, 1], loss_mean: [1, 1], acc_mean: [0, 0], t: [0, 2] })
  assert.equal(speedText(run({ buckets })), '3,200 samples/s (live)')
  assert.equal(speedText(paced(30, { buckets, epochs: [{ samples_per_s: 52_000 }] })), '52,000 samples/s (run 4, last epoch)')
})
