// The REPLAY badge beside a run's status: "REPLAY of run N, ×speed" while the run shown
// is a replay (its run object's `replay_of`), hidden otherwise.

import { el, setText } from '../dom.js'
import { replayText } from '../text.js'

export function replayBadge() {
  const node = el('span', { class: 'lc-replay', role: 'note' })
  node.hidden = true
  return {
    node,
    /** @param {any} run a buffer's run (its `info` is the run object) */
    sync(run) {
      const text = replayText(run?.info)
      setText(node, text)
      node.hidden = !text
    },
  }
}
