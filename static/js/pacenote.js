// The caption under the live chart of a paced run (text only): what the device alone would
// do. A run's unpaced seconds come with its ended status (or with the snapshot of a run
// that has ended), so no viewer asks the API for them.

import { el, setText } from './dom.js'
import { paceCaption } from './text.js'

/** @param {import('./panels/index.js').PanelContext} context */
export function paceNote(context) {
  const node = el('p', { class: 'lc-pace' })
  const sync = () => {
    const text = paceCaption(context.buffer.active)
    setText(node, text)
    node.hidden = !text
  }
  return { node, sync }
}
