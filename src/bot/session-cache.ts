import type { Session } from './engine/types.js'

/** What the last turn of a contact left, as saved: enough to step the next one without reading. */
export type CachedTurn = {
  contactId: string
  contactLocale: string
  session: Session
  /** the session's version as saved: the next save applies only over it */
  version: number
}

type Entry = { turn: CachedTurn; savedAt: number }

export type SessionCache = {
  get: (key: string) => CachedTurn | undefined
  set: (key: string, turn: CachedTurn) => void
  delete: (key: string) => void
}

/**
 * The sessions this process saved last, the least recently used dropped past `capacity`, and any
 * saved more than `maxAgeMs` ago dropped when the cache is next used (a conversation's words are
 * not kept in memory long after it went quiet, nor after another path deleted them). Never
 * trusted alone: a turn stepped from it saves only over the version it holds, so a session
 * changed elsewhere (another instance, a poll, a forgotten contact) fails the save and is read
 * again. The engine copies the session it steps, so an entry is never changed in place.
 */
export function createSessionCache(capacity: number, maxAgeMs: number, clock: () => number = Date.now): SessionCache {
  // in order of last use, oldest first
  const entries = new Map<string, Entry>()
  const dropStale = (now: number) => {
    for (const [key, entry] of entries) {
      if (now - entry.savedAt <= maxAgeMs) break
      entries.delete(key)
    }
  }
  return {
    get: (key) => {
      const now = clock()
      dropStale(now)
      const found = entries.get(key)
      if (!found) return undefined
      if (now - found.savedAt > maxAgeMs) {
        entries.delete(key)
        return undefined
      }
      entries.delete(key)
      entries.set(key, found)
      return found.turn
    },
    set: (key, turn) => {
      const now = clock()
      entries.delete(key)
      entries.set(key, { turn, savedAt: now })
      dropStale(now)
      if (entries.size > capacity) {
        const oldest = entries.keys().next()
        if (!oldest.done) entries.delete(oldest.value)
      }
    },
    delete: (key) => {
      entries.delete(key)
    },
  }
}
