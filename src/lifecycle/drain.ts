import type { InboundHandler } from '../bot/channel.js'

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>

export type Drain = {
  /** the app's fetch, answering 503 once draining began, and counted while it works */
  fetch: (fetch: Fetch) => Fetch
  /** the runtime's handler, counted while it works (long polling and sockets bring messages too) */
  handle: (handle: InboundHandler) => InboundHandler
  /** stop taking work: every later request gets 503 */
  begin: () => void
  draining: () => boolean
  /** resolves true once nothing is in flight, false when `timeoutMs` passed first */
  idle: (timeoutMs: number) => Promise<boolean>
}

/**
 * Counts the requests and messages in flight so a shutdown can finish them, and refuses new ones
 * meanwhile with 503 and Retry-After: the web chat page resends the same message id, Telegram and
 * Meta redeliver webhooks, so a refused message is not lost.
 */
export function createDrain(): Drain {
  let inFlight = 0
  let draining = false
  const waiters = new Set<() => void>()
  const done = () => {
    inFlight--
    if (inFlight === 0) for (const wake of [...waiters]) wake()
  }
  async function counted<T>(work: () => Promise<T>): Promise<T> {
    inFlight++
    try {
      return await work()
    } finally {
      done()
    }
  }
  return {
    fetch: (fetch) => (request, env) => {
      if (draining) return refuse()
      return counted(async () => fetch(request, env))
    },
    handle: (handle) => (message) => counted(() => handle(message)),
    begin: () => {
      draining = true
    },
    draining: () => draining,
    idle: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (inFlight === 0) return resolve(true)
        const wake = () => {
          waiters.delete(wake)
          clearTimeout(timer)
          resolve(true)
        }
        const timer = setTimeout(() => {
          waiters.delete(wake)
          resolve(false)
        }, timeoutMs)
        waiters.add(wake)
      }),
  }
}

function refuse(): Response {
  const body = { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'this instance is shutting down; send the same message again in a moment' }
  return new Response(JSON.stringify(body), {
    status: 503,
    headers: { 'content-type': 'application/problem+json', 'retry-after': '5', connection: 'close', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  })
}

/** `promise`'s outcome, or `fallback` once `ms` passed: no step of a shutdown may hang it. */
export async function within<T>(ms: number, promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}
