import { effectScope } from 'vue'
import { describe, expect, it } from 'vitest'
import { useConnectionBanner } from './useConnectionBanner'

describe('useConnectionBanner', () => {
  it('follows the connection state and lets go of it with its scope', () => {
    const listeners = new Set<(state: string) => void>()
    const connection = {
      state: 'connecting',
      onState(listener: (state: string) => void) {
        listeners.add(listener)
        listener(this.state)
        return () => listeners.delete(listener)
      },
    }
    const set = (state: string) => listeners.forEach((listener) => listener(state))
    const scope = effectScope()
    const banner = scope.run(() => useConnectionBanner(connection))!
    expect(banner.value).toEqual({ text: 'Waiting for the loopcast server…', waiting: true })
    set('open')
    expect(banner.value).toBeNull()
    set('reconnecting')
    expect(banner.value).toEqual({ text: 'Connection to loopcast lost: reconnecting…', waiting: false })
    scope.stop()
    expect(listeners.size).toBe(0)
  })
})
