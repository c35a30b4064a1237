import { effectScope, nextTick, ref } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { createReportCounter, createSlideReporter, panelOf, useSlideReport } from './slideReport'
import type { SlideReport } from './slideReport'

function fakeConnection(state = 'open') {
  const listeners = new Set<(state: string) => void>()
  return {
    state,
    onState(listener: (state: string) => void) {
      listeners.add(listener)
      listener(this.state)
      return () => listeners.delete(listener)
    },
    set(next: string) {
      this.state = next
      for (const listener of listeners) listener(next)
    },
    listeners,
  }
}

describe('panelOf', () => {
  it('reads the panel name from the slide frontmatter', () => {
    expect(panelOf({ panel: 'mnist', layout: 'default' })).toBe('mnist')
    expect(panelOf({ layout: 'image-right' })).toBeNull()
    expect(panelOf(undefined)).toBeNull()
    expect(panelOf({ panel: 3 })).toBeNull()
  })
})

describe('createReportCounter', () => {
  it('numbers reports 1, 2, 3 under one tab id; another tab has another id and counts from 1', () => {
    const tab = createReportCounter()
    const first = tab()
    expect(first.tab).toMatch(/^[0-9a-f]{16}$/)
    expect([first.counter, tab().counter, tab().counter]).toEqual([1, 2, 3])
    expect(tab().tab).toBe(first.tab)
    const reloaded = createReportCounter()()
    expect(reloaded.counter).toBe(1)
    expect(reloaded.tab).not.toBe(first.tab)
  })
})

describe('createSlideReporter', () => {
  it('sends each new slide once, and again when forced, each report numbered', async () => {
    const sent: SlideReport[] = []
    const report = createSlideReporter(async (r) => sent.push(r), createReportCounter('t1'))
    report({ page: 2, panel: 'overview' })
    report({ page: 2, panel: 'overview' })
    report({ page: 3, panel: 'dataloader' })
    report({ page: 3, panel: 'dataloader' }, true)
    expect(sent).toEqual([
      { page: 2, panel: 'overview', tab: 't1', counter: 1 },
      { page: 3, panel: 'dataloader', tab: 't1', counter: 2 },
      { page: 3, panel: 'dataloader', tab: 't1', counter: 3 },
    ])
  })

  it('tries the same slide again after a failed send, under a new number', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const send = vi.fn().mockRejectedValueOnce(new Error('401 Unauthorized')).mockResolvedValue({})
    const report = createSlideReporter(send, createReportCounter('t2'))
    report({ page: 5, panel: 'mnist' })
    await Promise.resolve()
    await Promise.resolve()
    report({ page: 5, panel: 'mnist' })
    expect(send.mock.calls.map(([r]) => r.counter)).toEqual([1, 2])
  })

  it('reporters in the same browser tab share its id and count on from each other', () => {
    const sent: SlideReport[] = []
    const one = createSlideReporter(async (r) => sent.push(r))
    const two = createSlideReporter(async (r) => sent.push(r))
    one({ page: 4, panel: 'modes' })
    two({ page: 4, panel: 'modes' })
    expect(sent[1].tab).toBe(sent[0].tab)
    expect(sent[1].counter).toBe(sent[0].counter + 1)
  })
})

describe('useSlideReport', () => {
  function setup(token: string | null, state = 'open') {
    const page = ref(1)
    const panel = ref<string | null>(null)
    const connection = fakeConnection(state)
    const send = vi.fn(async (_report: SlideReport) => ({}))
    const scope = effectScope()
    scope.run(() => useSlideReport(page, panel, { token: () => token, connection, send }))
    return { page, panel, connection, send, scope }
  }

  it('reports the slide at once and on every change, from the presenter only', async () => {
    const { page, panel, send } = setup('T')
    expect(send).toHaveBeenCalledWith(expect.objectContaining({ page: 1, panel: null }))
    page.value = 5
    panel.value = 'mnist'
    await nextTick()
    expect(send).toHaveBeenLastCalledWith(expect.objectContaining({ page: 5, panel: 'mnist' }))
    expect(send).toHaveBeenCalledTimes(2)
    const [first, second] = send.mock.calls.map(([r]) => r)
    expect(second.tab).toBe(first.tab)
    expect(second.counter).toBe(first.counter + 1)
  })

  it('the audience and a deck without the token report nothing', async () => {
    const { page, send } = setup(null)
    page.value = 3
    await nextTick()
    expect(send).not.toHaveBeenCalled()
  })

  it('reports again when the stream comes back (the server may have restarted)', async () => {
    const { connection, send, scope } = setup('T', 'connecting')
    expect(send).toHaveBeenCalledTimes(1)
    connection.set('open')
    expect(send).toHaveBeenCalledTimes(2)
    connection.set('reconnecting')
    connection.set('open')
    expect(send).toHaveBeenCalledTimes(3)
    scope.stop()
    expect(connection.listeners.size).toBe(0)
  })
})
