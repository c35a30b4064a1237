// The connection banner: what to say while the tab's stream is not open, and whether it
// is still waiting for a first connection (a server not up yet) or lost one.
import { computed, onScopeDispose, ref } from 'vue'
import type { ComputedRef } from 'vue'
import { stateMessage } from '#loopcast/js/connection.js'

export interface StateSource {
  state: string
  onState(listener: (state: string) => void): () => void
}

export interface Banner {
  text: string
  waiting: boolean
}

export function useConnectionBanner(connection: StateSource): ComputedRef<Banner | null> {
  const state = ref(connection.state)
  onScopeDispose(connection.onState((next) => (state.value = next)))
  return computed(() => {
    const text = stateMessage(state.value)
    return text ? { text, waiting: state.value === 'connecting' } : null
  })
}
