// The presenter token and API calls. The presenter URL carries `?token=` once: it moves
// to sessionStorage and out of the address bar (and so out of history and screenshots).

const KEY = 'loopcast-token'

// Where loopcast is: this page's own server, unless a deck served from elsewhere names
// another (the addon's `loopcast: { url }` headmatter). Set once, before the first request.
let server = ''

/** @param {string | null} url an http(s) origin, such as loopcast's on another port; null: this page's */
export function setServer(url) {
  server = url ? new URL(url).origin : ''
}

/** @param {string} path @returns {string} the path on loopcast's server */
export function serverUrl(path) {
  return server + path
}

/** @param {{ protocol: string, host: string }} here @returns {{ protocol: string, host: string }} */
export function serverPlace(here) {
  return server ? new URL(server) : here
}

/**
 * @param {{ href: string }} location
 * @param {Pick<History, 'state' | 'replaceState'>} history
 * @param {Pick<Storage, 'getItem' | 'setItem'>} storage
 */
export function captureToken(location, history, storage) {
  const url = new URL(location.href)
  const token = url.searchParams.get('token')
  if (token) {
    storage.setItem(KEY, token)
    url.searchParams.delete('token')
    history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  }
  return storage.getItem(KEY)
}

/** @param {Pick<Storage, 'getItem'> | undefined} [storage] */
export function presenterToken(storage = globalThis.sessionStorage) {
  return storage?.getItem(KEY) ?? null
}

// `unreachable`: no loopcast answered (network down, or another server that does not
// speak its JSON), so the panels wait for it rather than show an error.
export class ApiError extends Error {
  /** @param {string} message @param {{ status?: number, unreachable?: boolean }} [options] */
  constructor(message, { status = 0, unreachable = false } = {}) {
    super(message)
    this.status = status
    this.unreachable = unreachable
  }
}

/** @param {any} data @param {{ status: number, statusText: string }} response */
export function errorText(data, response) {
  if (Array.isArray(data?.detail)) {
    return data.detail.map((/** @type {{ loc?: string[], msg: string }} */ item) => `${item.loc?.at(-1) ?? 'request'}: ${item.msg}`).join('; ')
  }
  return typeof data?.detail === 'string' ? data.detail : `${response.status} ${response.statusText}`
}

/**
 * What `api` needs of fetch (tests pass a fake).
 * @typedef {(url: string, init: { method: string, headers: Record<string, string>, body?: string }) => Promise<{
 *   ok: boolean, status: number, statusText: string,
 *   headers: { get(name: string): string | null }, json(): Promise<any> }>} Fetch
 */

/**
 * The JSON answer of a loopcast endpoint; an ApiError says what went wrong.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, token?: string | null, fetchImpl?: Fetch }} [options]
 * @returns {Promise<any>}
 */
export async function api(path, { method = 'GET', body, token = presenterToken(), fetchImpl = globalThis.fetch } = {}) {
  /** @type {Record<string, string>} */
  const headers = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token && method !== 'GET') headers.Authorization = `Bearer ${token}`
  let response
  try {
    response = await fetchImpl(serverUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ApiError(`loopcast unreachable: ${reason}`, { unreachable: true })
  }
  const json = (response.headers.get('content-type') ?? '').includes('application/json')
  const data = json ? await response.json().catch(() => null) : null
  if (!response.ok || data === null) {
    throw new ApiError(data ? errorText(data, response) : `${response.status} ${response.statusText}`, {
      status: response.status,
      unreachable: data === null,
    })
  }
  return data
}

// GETs whose answer does not change while the server runs (a profile, a batch by index):
// asked once per tab, however often a slide is entered. Failures are not kept.
const cache = new Map()

/** @param {string} path @param {(path: string) => Promise<any>} [request] @returns {Promise<any>} */
export function cachedGet(path, request = api) {
  if (!cache.has(path)) {
    const answer = request(path)
    cache.set(path, answer)
    answer.catch(() => cache.delete(path))
  }
  return cache.get(path)
}

// GETs that several panels make on the same message (the run list when a run ends): one
// request per tab while it is under way, however many ask. Nothing is kept after it.
const pending = new Map()

/** @param {string} path @param {(path: string) => Promise<any>} [request] @returns {Promise<any>} */
export function sharedGet(path, request = api) {
  if (!pending.has(path)) {
    const answer = request(path)
    pending.set(path, answer)
    const done = () => pending.delete(path)
    answer.then(done, done)
  }
  return pending.get(path)
}
