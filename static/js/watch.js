// The audience page: read-only, phone-first, follows the presenter's current slide.
// A tap on another panel pins it until the presenter moves on to a different slide.
// Its stream is the envelope: buckets a phone can draw, however fast the device trains.

import { stateMessage } from './connection.js'
import { byId, el, setText } from './dom.js'
import { sharedLive } from './live.js'
import { PANELS, findPanel, mountPanel } from './panels/index.js'

const live = sharedLive('envelope')
const { connection, buffer } = live
const context = { ...live, presenter: false, chartHeight: 260 } // a phone has the height to spare
const panel = byId('lc-panel')
const tabs = byId('lc-tabs')
const meta = byId('lc-meta')
const banner = byId('lc-banner')

/** @type {string | null} */
let shown = null
/** @type {string | null} */
let pinned = null // a panel tapped while the presenter shows another
/** @type {string | null} */
let followed = null // the presenter's panel
let stop = () => {}

/** @param {string} name */
function show(name) {
  if (name === shown || !findPanel(name)) return
  stop()
  shown = name
  for (const tab of tabs.querySelectorAll('button')) tab.setAttribute('aria-current', String(tab.dataset.panel === name))
  stop = mountPanel(name, panel, context)
}

for (const { name, title } of PANELS) {
  const tab = el('button', { type: 'button', 'data-panel': name, text: title })
  tab.addEventListener('click', () => {
    pinned = name === buffer.slide?.panel ? null : name
    show(name)
  })
  tabs.append(tab)
}

live.subscribe(() => {
  const server = buffer.server
  if (server) setText(meta, `${server.viewers ?? 0} watching · ${server.device_name ?? server.device}`)
  const slide = buffer.slide?.panel ?? null
  if (slide !== followed) {
    followed = slide
    pinned = null // the presenter moved on: follow again
  }
  if (!pinned && slide) show(slide)
})
connection.onState((state) => {
  const message = stateMessage(state)
  banner.hidden = !message
  banner.classList.toggle('lc-banner-waiting', state === 'connecting')
  setText(banner, message ?? '')
  if (!buffer.server) setText(meta, '')
})
show('mnist')
