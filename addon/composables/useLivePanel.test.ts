import { effectScope, ref } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const slide = vi.hoisted(() => ({ enter: [] as (() => void)[], leave: [] as (() => void)[], print: false }))
const mountPanel = vi.hoisted(() => vi.fn())

vi.mock('@slidev/client', () => ({
  onSlideEnter: (callback: () => void) => slide.enter.push(callback),
  onSlideLeave: (callback: () => void) => slide.leave.push(callback),
  useNav: () => ({ isPrintMode: { value: slide.print } }),
}))
vi.mock('#loopcast/js/panels/index.js', () => ({ mountPanel }))
vi.mock('#loopcast/js/live.js', () => ({ sharedLive: () => ({ connection: 'shared' }) }))
vi.mock('#loopcast/js/recorded.js', () => ({ recordedLive: async () => ({ connection: 'recorded' }) }))
vi.mock('#loopcast/js/api.js', () => ({ presenterToken: () => 'T' }))

const { paceOf, panelSwitch, useLivePanel } = await import('./useLivePanel')

describe('panelSwitch', () => {
  it('starts once however often the slide is entered, and stops on leave', () => {
    const stop = vi.fn()
    const start = vi.fn(() => stop)
    const panel = panelSwitch(start)
    panel.enter()
    panel.enter()
    expect(start).toHaveBeenCalledTimes(1)
    expect(panel.running).toBe(true)
    panel.leave()
    panel.leave()
    expect(stop).toHaveBeenCalledTimes(1)
    expect(panel.running).toBe(false)
    panel.enter()
    expect(start).toHaveBeenCalledTimes(2)
  })

  it('does not start before its element exists', () => {
    const panel = panelSwitch(() => null)
    panel.enter()
    expect(panel.running).toBe(false)
  })
})

describe('useLivePanel', () => {
  beforeEach(() => {
    slide.enter.length = 0
    slide.leave.length = 0
    slide.print = false
    mountPanel.mockReset()
  })

  it('in a printed deck, mounts the recorded run read-only once its element is there', async () => {
    slide.print = true
    const stop = vi.fn()
    mountPanel.mockReturnValue(stop)
    const host = ref<HTMLElement | null>(null)
    const scope = effectScope()
    const running = scope.run(() => useLivePanel('mnist', host, { chartHeight: 170 }))!
    await Promise.resolve()
    expect(mountPanel).not.toHaveBeenCalled() // no element yet
    const classes = new Set<string>()
    host.value = { classList: { add: (name: string) => classes.add(name) } } as unknown as HTMLElement
    await vi.waitFor(() => expect(running.value).toBe(true))
    expect([...classes]).toEqual(['lc-print'])
    expect(mountPanel).toHaveBeenCalledTimes(1)
    expect(mountPanel).toHaveBeenCalledWith('mnist', host.value, { connection: 'recorded', presenter: false, chartHeight: 170 })
    expect(slide.enter).toHaveLength(0) // no slide enter in print
    scope.stop()
    expect(stop).toHaveBeenCalledTimes(1)
  })

  it('mounts the panel on slide enter with the shared connection, unmounts on leave and dispose', () => {
    const stop = vi.fn()
    mountPanel.mockReturnValue(stop)
    const host = ref({} as HTMLElement)
    const scope = effectScope()
    const running = scope.run(() => useLivePanel('mnist', host, { chartHeight: 170, pace: 20 }))!
    expect(mountPanel).not.toHaveBeenCalled()
    expect(running.value).toBe(false)
    slide.enter[0]()
    expect(mountPanel).toHaveBeenCalledWith('mnist', host.value, { connection: 'shared', presenter: true, chartHeight: 170, pace: 20 })
    expect(running.value).toBe(true)
    slide.leave[0]()
    expect(stop).toHaveBeenCalledTimes(1)
    expect(running.value).toBe(false)
    slide.enter[0]()
    scope.stop()
    expect(stop).toHaveBeenCalledTimes(2)
  })
})

describe('paceOf', () => {
  it('reads the Train default pace, in seconds, from the slide frontmatter', () => {
    expect(paceOf({ panel: 'mnist', pace: 20 })).toBe(20)
    expect(paceOf({ pace: 0 })).toBe(0)
    expect(paceOf({ panel: 'mnist' })).toBeUndefined()
    expect(paceOf(undefined)).toBeUndefined()
    expect(paceOf({ pace: '20' })).toBeUndefined()
    expect(paceOf({ pace: -1 })).toBeUndefined()
  })
})
