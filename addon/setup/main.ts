// Runs once per browser tab: the panels are pointed at loopcast (the headmatter's
// `loopcast: { url }`, else this page's server), the presenter token leaves the URL, and the
// tab's one WebSocket (shared by every live panel) opens at full detail: every point.
import { configs } from '@slidev/client'
import { defineAppSetup } from '@slidev/types'
import { captureToken, setServer } from '#loopcast/js/api.js'
import { sharedLive } from '#loopcast/js/live.js'
import '#loopcast/vendor/uPlot.min.css'
import '#loopcast/loopcast.css'
import { loopcastConfig } from '../composables/loopcastConfig'

export default defineAppSetup(() => {
  if (typeof window === 'undefined') return
  setServer(loopcastConfig('loopcast' in configs ? configs.loopcast : undefined).url)
  captureToken(window.location, window.history, window.sessionStorage)
  sharedLive('full')
})
