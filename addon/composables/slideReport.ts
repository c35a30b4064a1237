// The presenter's current slide, reported to loopcast (`POST /api/slide`) so that the
// audience page shows the same live panel.
import { onScopeDispose, watch } from 'vue'
import type { Ref } from 'vue'
import type { StateSource } from './useConnectionBanner'

export interface Slide {
  page: number
  panel: string | null
}

// `tab` and `counter` let the server ignore a report that arrives after a newer one
// (two quick flips are two requests, and they can overtake each other).
export interface SlideReport extends Slide {
  tab: string
  counter: number
}

export function panelOf(frontmatter: Record<string, unknown> | undefined): string | null {
  const panel = frontmatter?.panel
  return typeof panel === 'string' ? panel : null
}

function randomTabId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8)) // randomUUID needs HTTPS; a venue's LAN has none
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

// Numbers this tab's reports 1, 2, 3... under a random tab id: a reload or another tab
// is a new id that counts from 1 again.
export function createReportCounter(tab = randomTabId()): () => { tab: string; counter: number } {
  let counter = 0
  return () => ({ tab, counter: ++counter })
}

// One per browser tab, however many reporters this tab mounts.
const thisTab = createReportCounter()

// Sends each new slide once (a click within a slide is not a new slide). `force` sends
// again: after a reconnect the server may have restarted and forgotten it.
export function createSlideReporter(send: (report: SlideReport) => Promise<unknown>, numbering = thisTab) {
  let last: string | null = null
  return (slide: Slide, force = false): void => {
    const key = `${slide.page}:${slide.panel}`
    if (key === last && !force) return
    last = key
    send({ ...slide, ...numbering() }).catch((error: Error) => {
      last = null
      console.warn(`loopcast: the audience was not told of slide ${slide.page}: ${error.message}`)
    })
  }
}

// Reports from the presenter's tab only (the one holding the token); every tab may call it.
export function useSlideReport(
  page: Ref<number>,
  panel: Ref<string | null>,
  { token, connection, send }: { token: () => string | null; connection: StateSource; send: (report: SlideReport) => Promise<unknown> },
): void {
  const report = createSlideReporter(send)
  const current = (force = false) => {
    if (token()) report({ page: page.value, panel: panel.value }, force)
  }
  watch([page, panel], () => current(), { immediate: true })
  let now = true // onState reports the current state at once; the watch above has sent
  onScopeDispose(
    connection.onState((state) => {
      if (state === 'open' && !now) current(true)
    }),
  )
  now = false
}
