import type { Session } from './engine/types.js'

/** What the last turn of a contact left, as saved: enough to step the next one without reading. */
export type CachedTurn = {
  contactId: string
  contactLocale: string
  session: Session
  /** the session's version as saved: the next save applies only over it */
  version: number
}

export type SessionCache = {
  get: (key: string) => CachedTurn | undefined
  set: (key: string, turn: CachedTurn) => void
  delete: (key: string) => void
}

/**
 * The sessions this process saved last, the least recently used dropped past `capacity`. Never
 * trusted alone: a turn stepped from it saves only over the version it holds, so a session
 * changed elsewhere (another instance, a poll, a forgotten contact) fails the save and is read
 * again. The engine copies the session it steps, so an entry is never changed in place.
 */
export function createSessionCache(capacity: number): SessionCache {
  const entries = new Map<string, CachedTurn>()
  return {
    get: (key) => {
      const found = entries.get(key)
      if (found) {
        // most recently used last, so the first key is the one to drop
        entries.delete(key)
        entries.set(key, found)
      }
      return found
    },
    set: (key, turn) => {
      entries.delete(key)
      entries.set(key, turn)
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
