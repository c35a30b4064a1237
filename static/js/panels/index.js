// The live panels, one per slide of the deck, in the deck's order: the one registry that
// the deck (LivePanel.vue, by the slide's `panel:`) and the audience page (its tabs) read.
// `mountPanel(name, element, context)` builds one into `element` and returns `stop()`.

import { dataloader } from './dataloader.js'
import { digit } from './digit.js'
import { gpu } from './gpu.js'
import { mistakes } from './mistakes.js'
import { mnist } from './mnist.js'
import { modes } from './modes.js'
import { overview } from './overview.js'
import { progress } from './progress.js'

/**
 * What a panel is given: the tab's live state (live.js), who is watching, and how it is laid out.
 * @typedef {ReturnType<typeof import('../live.js').createLive> & {
 *   presenter?: boolean,
 *   chartHeight?: number,
 *   pace?: number,
 * }} PanelContext
 * `presenter`: the tab holds the token (Train, Race); `pace`: the Train form's default
 * pace, from the slide's frontmatter.
 */

/** @typedef {(element: HTMLElement, context: PanelContext) => () => void} Build */

// One slide, two panels: each builds into a box of its own.
/** @param {...Build} builds @returns {Build} */
function together(...builds) {
  return (element, context) => {
    const stops = builds.map((build) => {
      const box = document.createElement('div')
      element.append(box)
      return build(box, context)
    })
    return () => stops.forEach((stop) => stop())
  }
}

/** @type {readonly { name: string, title: string, build: Build }[]} */
export const PANELS = [
  { name: 'overview', title: 'The five steps', build: overview },
  { name: 'dataloader', title: 'DataLoader batch', build: dataloader },
  { name: 'modes', title: 'train() vs eval()', build: modes },
  { name: 'mnist', title: 'Live training', build: mnist },
  { name: 'progress', title: 'Train / validation', build: together(progress, mistakes) },
  { name: 'gpu', title: 'Device', build: gpu },
  { name: 'digit', title: 'Your digit', build: digit },
]

/** @param {string} name */
export function findPanel(name) {
  return PANELS.find((panel) => panel.name === name) ?? null
}

/** @param {string} name @param {HTMLElement} element @param {PanelContext} context */
export function mountPanel(name, element, context) {
  const panel = findPanel(name)
  if (!panel) throw new Error(`unknown panel ${name}: one of ${PANELS.map((p) => p.name).join(', ')}`)
  element.classList.add('lc-panel', `lc-panel-${name}`)
  const stop = panel.build(element, context)
  return () => {
    stop()
    element.replaceChildren()
    element.classList.remove('lc-panel', `lc-panel-${name}`, 'lc-running')
  }
}
