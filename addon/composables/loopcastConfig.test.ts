import { describe, expect, it } from 'vitest'
import { loopcastConfig } from './loopcastConfig'

describe('loopcastConfig', () => {
  it("is the page's own server when the headmatter says nothing", () => {
    expect(loopcastConfig(undefined)).toEqual({ url: null })
    expect(loopcastConfig({})).toEqual({ url: null })
  })

  it('takes an http(s) origin, without a trailing slash', () => {
    expect(loopcastConfig({ url: 'http://localhost:8000/' })).toEqual({ url: 'http://localhost:8000' })
    expect(loopcastConfig({ url: 'https://talk.example' })).toEqual({ url: 'https://talk.example' })
  })

  it.each([
    ['http://localhost:8000', 'takes a map'],
    [['http://localhost:8000'], 'takes a map'],
    [{ url: 8000 }, "loopcast's http(s) address"],
    [{ url: 'localhost:8000' }, "loopcast's http(s) address"],
    [{ url: 'ws://localhost:8000' }, "loopcast's http(s) address"],
    [{ url: 'http://localhost:8000/api' }, 'an origin only'],
    [{ url: 'http://localhost:8000?x=1' }, 'an origin only'],
    [{ uri: 'http://localhost:8000' }, 'uri is not a setting'],
  ])('refuses %j, saying what to write', (setting, reason) => {
    expect(() => loopcastConfig(setting)).toThrow(reason)
    expect(() => loopcastConfig(setting)).toThrow('for example loopcast: { url: http://localhost:8000 }')
  })
})
