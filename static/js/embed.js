// An embed (/embed/{panel}): one live panel alone, read-only, filling its frame and following
// the current run, for slideware that shows an iframe. The URL contract: docs/protocol.md.

import { stateMessage } from './connection.js'
import { byId, setText } from './dom.js'
import { fitChartHeight } from './fit.js'
import { sharedLive } from './live.js'
import { mountPanel } from './panels/index.js'

// The URL's names are the registry's, but for the live chart's (server/api/embed.py lists them).
/** @type {Record<string, string>} */
const ALIASES = { chart: 'mnist' }
const RESIZE_MS = 150

const live = sharedLive('envelope') // an embed is one more viewer: the audience's stream
const root = byId('lc-panel')
const banner = byId('lc-banner')
const name = decodeURIComponent(location.pathname.split('/').pop() ?? '')
const panel = ALIASES[name] ?? name

let stop = () => {}
let fitting = Promise.resolve()

// The panel's height once laid out: after uPlot's microtasks, which size its charts.
/** @param {number} chartHeight @returns {Promise<number>} */
function mount(chartHeight) {
  stop()
  stop = mountPanel(panel, root, { ...live, presenter: false, chartHeight })
  return new Promise((resolve) => setTimeout(() => resolve(root.offsetHeight)))
}

// One fit at a time: a resize during a fit waits for it. The guesses are not shown.
let busy = false
let fitted = 0 // the panel's height after the last fit
function fit() {
  fitting = fitting.then(async () => {
    busy = true
    root.style.visibility = 'hidden'
    const height = await fitChartHeight(mount, innerHeight)
    fitted = height == null ? -1 : await mount(height)
    root.style.visibility = ''
    busy = false
  })
}
// A panel with a chart that grows or shrinks after (a run's pace note appears) fits again.
new ResizeObserver(() => {
  if (!busy && fitted > 0 && root.offsetHeight !== fitted) fit()
}).observe(root)

/** @type {ReturnType<typeof setTimeout> | undefined} */
let resizing
addEventListener('resize', () => {
  clearTimeout(resizing)
  resizing = setTimeout(fit, RESIZE_MS)
})
live.connection.onState((state) => {
  const message = stateMessage(state)
  banner.hidden = !message
  banner.classList.toggle('lc-banner-waiting', state === 'connecting')
  setText(banner, message ?? '')
})
fit()
