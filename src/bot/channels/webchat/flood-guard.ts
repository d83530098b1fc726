/** How many messages a key may send per window before it is told to slow down. */
export type FloodLimit = { max: number; windowMs: number }

export type FloodGuard = {
  /** counts one message; 'ok', 'first' (the first refused one: tell the sender) or 'again' */
  hit: (key: string, at: number) => 'ok' | 'first' | 'again'
}

// A flood of made-up conversation ids must not grow the map without bound.
const MAX_KEYS = 50_000

/**
 * Fixed-window counters kept in this process's memory: a flood is a burst, and one instance's view
 * of it is enough to shed it (status lookups, where guessing is the attack, count in the database).
 */
export function createFloodGuard(limit: FloodLimit): FloodGuard {
  const windows = new Map<string, { start: number; hits: number }>()
  return {
    hit(key, at) {
      let window = windows.get(key)
      if (!window || at - window.start >= limit.windowMs) {
        if (windows.size >= MAX_KEYS) {
          for (const [old, value] of windows) if (at - value.start >= limit.windowMs) windows.delete(old)
          if (windows.size >= MAX_KEYS) windows.clear()
        }
        window = { start: at, hits: 0 }
        windows.set(key, window)
      }
      window.hits++
      if (window.hits <= limit.max) return 'ok'
      return window.hits === limit.max + 1 ? 'first' : 'again'
    },
  }
}
