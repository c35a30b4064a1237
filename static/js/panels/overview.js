// The five steps, each timed on this server (GET /api/demo/profile); the boxes pulse
// while a run trains.

import { el, setText } from '../dom.js'
import { WAITING, profileCaption } from '../text.js'
import { demo, listen } from './demo.js'
import { STEPS, stepStyle } from './steps.js'

/** @type {import('./index.js').Build} */
export function overview(element, context) {
  const times = STEPS.map(() => el('span', { class: 'lc-ms', text: '…' }))
  const boxes = STEPS.map((step, i) => {
    const box = el('div', { class: 'lc-step', 'data-step': step.name }, el('strong', { text: step.name }), el('span', { class: 'lc-what', text: step.what }), times[i])
    for (const [name, value] of Object.entries(stepStyle(step, i))) box.style.setProperty(name, value)
    return box
  })
  const caption = el('p', { class: 'lc-note', text: WAITING })
  element.append(el('div', { class: 'lc-steps' }, ...boxes), caption)
  const stopDemo = demo(context, '/api/demo/profile', caption, (profile) => {
    STEPS.forEach((step, i) => setText(times[i], `${profile.ms[step.name].toFixed(3)} ms`))
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
