/** Options of the send limiter; the defaults are Telegram's published limits. */
export type RateLimiterOptions = {
  /** sends per second over all chats (Telegram: about 30) */
  perSecond?: number
  /** sends per second to one chat (Telegram: about 1), after a short burst */
  perChatPerSecond?: number
  /** messages a chat may get at once: a question often comes as two or three messages */
  perChatBurst?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** Forget a chat's bucket once it has been full this long. */
const IDLE_MS = 60_000

/**
 * Waits until a send to `chat` fits the global and the per-chat rate. Each chat has a token
 * bucket (a burst, then one a second); all sends are spaced to the global rate. A caller reserves
 * its slot before it sleeps, so concurrent callers queue instead of racing. Per process: with
 * several instances, each paces its own share (auto-retry covers the rare 429 that follows).
 *
 * @example
 * const limiter = createRateLimiter()
 * await limiter('12345') // then send to chat 12345
 */
export function createRateLimiter(options: RateLimiterOptions = {}): (chat: string) => Promise<void> {
  const perSecond = options.perSecond ?? 30
  const perChat = options.perChatPerSecond ?? 1
  const burst = options.perChatBurst ?? 3
  const now = options.now ?? (() => Date.now())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const buckets = new Map<string, { tokens: number; at: number }>()
  let nextGlobal = 0

  return async (chat) => {
    const at = now()
    const bucket = buckets.get(chat) ?? { tokens: burst, at }
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) * perChat) / 1000)
    bucket.at = at
    const chatReady = bucket.tokens >= 1 ? at : at + ((1 - bucket.tokens) * 1000) / perChat
    bucket.tokens -= 1
    buckets.set(chat, bucket)
    const slot = Math.max(chatReady, nextGlobal)
    nextGlobal = slot + 1000 / perSecond
    if (buckets.size > 10_000) prune(buckets, at, burst, perChat)
    if (slot > at) await sleep(slot - at)
  }
}

function prune(buckets: Map<string, { tokens: number; at: number }>, at: number, burst: number, perChat: number) {
  const fullAfter = (burst * 1000) / perChat + IDLE_MS
  for (const [chat, bucket] of buckets) if (at - bucket.at > fullAfter) buckets.delete(chat)
}
