// The live panels, one per slide of the deck, in the deck's order: the one registry that
// the deck (LivePanel.vue, by the slide's `panel:`) and the audience page (its tabs) read.
// `mountPanel(name, element, context)` builds one into `element` and returns `stop()`.

import { dataloader } from './dataloader.js'
import { gpu } from './gpu.js'
import { mnist, mnistChart, trainForm } from './mnist.js'
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

// A panel made of parts: the audience page shows them one under the other, each in a box
// of its own; a slide may place them apart (`<LivePanel name="progress:mistakes" />`).
// (mnist's parts, its chart and its Train form, are instead drawn as one by its build.)
/** @param {Record<string, Build>} parts @returns {{ build: Build, parts: Record<string, Build> }} */
function together(parts) {
  /** @type {Build} */
  const build = (element, context) => {
    const stops = Object.values(parts).map((part) => {
      const box = document.createElement('div')
      element.append(box)
      return part(box, context)
    })
    return () => stops.forEach((stop) => stop())
  }
  return { build, parts }
}

// A part only some phones show (the digit pad's model, the mistakes): its code is a chunk
// of its own in the built page (static/dist), fetched when a phone first shows it, not
// with the first view. The part is built once loaded, unless stopped meanwhile.
/** @param {() => Promise<Build>} load @returns {Build} */
function later(load) {
  return (element, context) => {
    let stop = () => {}
    let stopped = false
    load().then((build) => {
      if (!stopped) stop = build(element, context)
    })
    return () => {
      stopped = true
      stop()
    }
  }
}

const digit = later(() => import('./digit.js').then((module) => module.digit))
const mistakes = later(() => import('./mistakes.js').then((module) => module.mistakes))

/** @type {readonly { name: string, title: string, build: Build, parts?: Record<string, Build> }[]} */
export const PANELS = [
  { name: 'overview', title: 'The five steps', build: overview },
  { name: 'dataloader', title: 'DataLoader batch', build: dataloader },
  { name: 'modes', title: 'train() vs eval()', build: modes },
  { name: 'mnist', title: 'Live training', build: mnist, parts: { chart: mnistChart, form: trainForm } },
  { name: 'progress', title: 'Train / validation', ...together({ charts: progress, mistakes }) },
  { name: 'gpu', title: 'Device', build: gpu },
  { name: 'digit', title: 'Your digit', build: digit },
]

/** @param {string} name */
export function findPanel(name) {
  return PANELS.find((panel) => panel.name === name) ?? null
}

// `name`: a panel, or one of its parts as `panel:part`. A panel's first part is the panel
// as styles and tests know it (`lc-panel-progress`); another is `lc-panel-progress-mistakes`.
/** @param {string} name @param {HTMLElement} element @param {PanelContext} context */
export function mountPanel(name, element, context) {
  const [panelName, partName] = name.split(':')
  const panel = findPanel(panelName)
  if (!panel) throw new Error(`unknown panel ${panelName}: one of ${PANELS.map((p) => p.name).join(', ')}`)
  const build = partName ? panel.parts?.[partName] : panel.build
  if (!build) throw new Error(`panel ${panelName} has no part ${partName}: ${Object.keys(panel.parts ?? {}).join(', ') || 'none'}`)
  const first = !partName || partName === Object.keys(panel.parts ?? {})[0]
  const className = first ? `lc-panel-${panelName}` : `lc-panel-${panelName}-${partName}`
  element.classList.add('lc-panel', className)
  const stop = build(element, context)
  return () => {
    stop()
    element.replaceChildren()
    element.classList.remove('lc-panel', className, 'lc-running')
  }
}
