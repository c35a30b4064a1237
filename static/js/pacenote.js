// The caption under the live chart of a paced run (text only): what the device alone would
// do. A run's unpaced seconds come with the run list, which a viewer watching the run end
// asks for once (in the same request as the overlay picker's).

import { sharedGet } from './api.js'
import { el, setText } from './dom.js'
import { ENDED } from './points.js'
import { paceCaption } from './text.js'

export function paceNote(context) {
  const node = el('p', { class: 'lc-pace' })
  const asked = new Set()
  const fetchUnpaced = (run) => {
    asked.add(run.id)
    sharedGet('/api/runs')
      .then(({ runs }) => {
        const found = runs.find((each) => each.id === run.id)
        if (found?.unpaced_s != null) {
          run.info.unpaced_s = found.unpaced_s
          sync()
        }
      })
      .catch(() => {}) // the caption keeps the last epoch's speed
  }
  const sync = () => {
    const run = context.buffer.active
    const text = paceCaption(run)
    setText(node, text)
    node.hidden = !text
    if (text && ENDED.has(run.status) && run.info.unpaced_s == null && !asked.has(run.id)) fetchUnpaced(run)
  }
  return { node, sync }
}
