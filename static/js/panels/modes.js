// The same trained weights scored in train() and in eval() mode (GET /api/demo/modes).

import { el, setText } from '../dom.js'
import { WAITING, modesCaption, percent } from '../text.js'
import { demo } from './demo.js'

/** @type {import('./index.js').Build} */
export function modes(element, context) {
  /** @param {string} label @param {string} kind @param {HTMLElement} value */
  const box = (label, kind, value) => el('div', { class: `lc-mode lc-mode-${kind}` }, el('span', { text: label }), value)
  const trainAcc = el('strong', { text: '…' })
  const evalAcc = el('strong', { text: '…' })
  const train = box('model.train()', 'train', trainAcc)
  const evaluate = box('model.eval()', 'eval', evalAcc)
  const caption = el('p', { class: 'lc-note', text: WAITING })
  element.append(el('div', { class: 'lc-modes' }, train, evaluate), caption)
  return demo(context, '/api/demo/modes', caption, (result) => {
    setText(trainAcc, percent(result.train_mode_acc))
    setText(evalAcc, percent(result.eval_mode_acc))
    setText(caption, modesCaption(result))
  })
}
