// Where this server trains and how fast, and, on a GPU server, the CPU-vs-GPU race.

import { el, setText } from '../dom.js'
import { deviceText, speedText } from '../text.js'
import { listen } from './demo.js'
import { raceBox } from './race.js'

/** @type {import('./index.js').Build} */
export function gpu(element, context) {
  const device = el('p', { class: 'lc-device' })
  const speed = el('p', { class: 'lc-speed' })
  const note = el('p', { class: 'lc-gpu-note' })
  const race = raceBox(context)
  element.append(device, speed, note, race.node)
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
