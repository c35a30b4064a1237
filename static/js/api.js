// The presenter token and API calls. The presenter URL carries `?token=` once: it moves
// to sessionStorage and out of the address bar (and so out of history and screenshots).

const KEY = 'loopcast-token'

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

export function presenterToken() {
  return window.sessionStorage.getItem(KEY)
}

export async function api(path, { method = 'GET', body, token = presenterToken() } = {}) {
  const headers = {}
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (token && method !== 'GET') headers.Authorization = `Bearer ${token}`
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const data = await response.json().catch(() => ({}))
  if (!response.ok) {
    const detail = Array.isArray(data.detail)
      ? data.detail.map((item) => `${item.loc.at(-1)}: ${item.msg}`).join('; ')
      : data.detail
    throw new Error(detail || `${response.status} ${response.statusText}`)
  }
  return data
}
