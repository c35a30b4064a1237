// The same trained weights scored in train() and in eval() mode (GET /api/demo/modes).

import { el, setText } from '../dom.js'
import { WAITING, modesCaption, percent } from '../text.js'
import { demo } from './demo.js'

/** @type {import('./index.js').Build} */
export function modes(element, context) {
  /** @param {string} label @param {string} kind */
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
