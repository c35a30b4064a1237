// Runs once per browser tab: the presenter token leaves the URL, and the tab's one
// WebSocket (shared by every live panel) opens at full detail: every point.
import { defineAppSetup } from '@slidev/types'
import { captureToken } from '../../static/js/api.js'
import { sharedLive } from '../../static/js/live.js'
import '../../static/vendor/uPlot.min.css'
import '../../static/loopcast.css'

export default defineAppSetup(() => {
  if (typeof window === 'undefined') return
  captureToken(window.location, window.history, window.sessionStorage)
  sharedLive('full')
})
