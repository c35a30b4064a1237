import { effectScope, nextTick, ref } from 'vue'
import { describe, expect, it, vi } from 'vitest'
import { createSlideReporter, panelOf, useSlideReport } from './slideReport'
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

describe('createSlideReporter', () => {
  it('sends each new slide once and again when forced', async () => {
    const sent: SlideReport[] = []
    const report = createSlideReporter(async (r) => sent.push(r))
    report({ page: 2, panel: 'overview' })
    report({ page: 2, panel: 'overview' })
    report({ page: 3, panel: 'dataloader' })
    report({ page: 3, panel: 'dataloader' }, true)
    expect(sent).toEqual([
      { page: 2, panel: 'overview' },
      { page: 3, panel: 'dataloader' },
      { page: 3, panel: 'dataloader' },
    ])
  })

  it('tries the same slide again after a failed send', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const send = vi.fn().mockRejectedValueOnce(new Error('401 Unauthorized')).mockResolvedValue({})
    const report = createSlideReporter(send)
    report({ page: 5, panel: 'mnist' })
    await Promise.resolve()
    await Promise.resolve()
    report({ page: 5, panel: 'mnist' })
    expect(send).toHaveBeenCalledTimes(2)
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
    expect(send).toHaveBeenCalledWith({ page: 1, panel: null })
    page.value = 5
    panel.value = 'mnist'
    await nextTick()
    expect(send).toHaveBeenLastCalledWith({ page: 5, panel: 'mnist' })
    expect(send).toHaveBeenCalledTimes(2)
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
