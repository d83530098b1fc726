import { describe, expect, it } from 'vitest'
import { newSession } from '../../src/bot/engine/index.js'
import { type CachedTurn, createSessionCache } from '../../src/bot/session-cache.js'

const turn = (version: number): CachedTurn => ({ contactId: `c${version}`, contactLocale: 'es', session: newSession('es'), version })

describe('the sessions a runtime keeps between messages', () => {
  it('keeps at most its capacity, dropping the one used least recently', () => {
    const cache = createSessionCache(2, 60_000, () => 0)
    cache.set('a', turn(1))
    cache.set('b', turn(2))
    expect(cache.get('a')?.version).toBe(1)
    cache.set('c', turn(3))
    expect(cache.get('b')).toBeUndefined()
    expect([cache.get('a')?.version, cache.get('c')?.version]).toEqual([1, 3])
  })

  it('forgets a session saved longer ago than a session lasts, even one nobody asks for again', () => {
    let clock = 0
    const cache = createSessionCache(10, 60_000, () => clock)
    cache.set('quiet', turn(1))
    clock = 30_000
    cache.set('busy', turn(2))
    clock = 61_000
    expect(cache.get('quiet')).toBeUndefined()
    expect(cache.get('busy')?.version).toBe(2)
    clock = 200_000
    cache.set('later', turn(3))
    expect(cache.get('busy')).toBeUndefined()
    expect(cache.get('later')?.version).toBe(3)
  })

  it('keeps none with a capacity of 0', () => {
    const cache = createSessionCache(0, 60_000, () => 0)
    cache.set('a', turn(1))
    expect(cache.get('a')).toBeUndefined()
  })
})
