// A live panel (static/js/panels/) that works only while its slide is the current one:
// Slidev keeps neighbouring slides mounted, and the presenter view mounts more. A printed
// or exported deck (`slidev export`) has no current slide: there every panel shows the last
// finished run, from loopcast's API (static/js/recorded.js).
import { onSlideEnter, onSlideLeave, useNav } from '@slidev/client'
import { onScopeDispose, ref, watch } from 'vue'
import type { Ref } from 'vue'
import { presenterToken } from '#loopcast/js/api.js'
import { sharedLive } from '#loopcast/js/live.js'
import { mountPanel } from '#loopcast/js/panels/index.js'
import { recordedLive } from '#loopcast/js/recorded.js'

type Stop = () => void

// enter() starts once however often it is called; leave() stops what is running.
export function panelSwitch(start: () => Stop | null) {
  let stop: Stop | null = null
  return {
    enter(): void {
      stop ??= start()
    },
    leave(): void {
      stop?.()
      stop = null
    },
    get running(): boolean {
      return stop !== null
    },
  }
}

// The Train form's default pace from a slide's frontmatter (`pace: 20`): seconds, or
// undefined when the slide sets none (or sets something that is not a number).
export function paceOf(frontmatter: Record<string, unknown> | undefined): number | undefined {
  const pace = frontmatter?.pace
  return typeof pace === 'number' && Number.isFinite(pace) && pace >= 0 ? pace : undefined
}

export interface PanelOptions {
  chartHeight?: number
  pace?: number
}

// In print: mounted once both the element and the recorded run are there, read-only.
function usePrintedPanel(name: string, host: Ref<HTMLElement | null>, options: PanelOptions): Ref<boolean> {
  const running = ref(false)
  let live: Awaited<ReturnType<typeof recordedLive>> | null = null
  const panel = panelSwitch(() => {
    if (!host.value || !live) return null
    host.value.classList.add('lc-print') // loopcast.css hides the controls
    return mountPanel(name, host.value, { ...live, presenter: false, ...options })
  })
  const enter = () => {
    panel.enter()
    running.value = panel.running
  }
  recordedLive()
    .then((recorded) => {
      live = recorded
      enter()
    })
    .catch(() => {}) // loopcast is not running: the slide keeps what it shows off-line
  watch(host, enter)
  onScopeDispose(() => panel.leave())
  return running
}

// `running` is true while the panel is live (its slide is the current one).
export function useLivePanel(name: string, host: Ref<HTMLElement | null>, options: PanelOptions = {}): Ref<boolean> {
  if (useNav().isPrintMode.value) return usePrintedPanel(name, host, options)
  const running = ref(false)
  const panel = panelSwitch(() =>
    host.value
      ? mountPanel(name, host.value, { ...sharedLive(), presenter: Boolean(presenterToken()), ...options })
      : null,
  )
  const enter = () => {
    panel.enter()
    running.value = panel.running
  }
  const leave = () => {
    panel.leave()
    running.value = false
  }
  onSlideEnter(enter)
  onSlideLeave(leave)
  onScopeDispose(leave)
  return running
}
