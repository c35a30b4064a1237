// The deck's `loopcast:` headmatter: where its panels find loopcast. Without it, the page's
// own server: a deck that loopcast serves, or `slidev dev` through the addon's proxy.
//
//   loopcast:
//     url: http://localhost:8000
export interface LoopcastConfig {
  url: string | null // an origin (scheme, host, port); null: the page's own
}

const EXAMPLE = 'loopcast: { url: http://localhost:8000 }'

function refuse(what: string, value: unknown): never {
  throw new Error(`${what} in the deck's headmatter, not ${JSON.stringify(value)}: for example ${EXAMPLE}`)
}

// Refuses what would send the panels somewhere loopcast is not, saying what to write.
export function loopcastConfig(setting: unknown): LoopcastConfig {
  if (setting === undefined || setting === null) return { url: null }
  if (typeof setting !== 'object' || Array.isArray(setting)) refuse('loopcast: takes a map', setting)
  const { url, ...rest } = setting as Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length) refuse(`loopcast: knows only url (${unknown.join(', ')} is not a setting)`, setting)
  if (url === undefined || url === null) return { url: null }
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : null
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) refuse("loopcast.url is loopcast's http(s) address", url)
  if (parsed.pathname !== '/' || parsed.search || parsed.hash) {
    refuse('loopcast.url is an origin only (loopcast serves /api and /ws at its root)', url)
  }
  return { url: parsed.origin }
}
