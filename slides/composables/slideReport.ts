// The presenter's current slide, reported to loopcast (`POST /api/slide`) so that the
// audience page shows the same live panel.
import { onScopeDispose, watch } from 'vue'
import type { Ref } from 'vue'
import type { StateSource } from './useConnectionBanner'

export interface SlideReport {
  page: number
  panel: string | null
}

export function panelOf(frontmatter: Record<string, unknown> | undefined): string | null {
  const panel = frontmatter?.panel
  return typeof panel === 'string' ? panel : null
}

// Sends each new slide once (a click within a slide is not a new slide). `force` sends
// again: after a reconnect the server may have restarted and forgotten it.
export function createSlideReporter(send: (report: SlideReport) => Promise<unknown>) {
  let last: string | null = null
  return (report: SlideReport, force = false): void => {
    const key = `${report.page}:${report.panel}`
    if (key === last && !force) return
    last = key
    send(report).catch((error: Error) => {
      last = null
      console.warn(`loopcast: the audience was not told of slide ${report.page}: ${error.message}`)
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
