import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { problem } from './problem.js'

/**
 * The largest body a route under `prefix` (a path, or a path and everything below it) accepts;
 * `null` when those routes set their own limit, after checks that must come before any reading.
 */
export type BodyLimitRule = { prefix: string; maxBytes: number | null }

export const KIB = 1024
export const MIB = 1024 * KIB

/** JSON around a web chat attachment: the ids, the MIME type, a text, quotes and braces. */
const WEBCHAT_JSON_OVERHEAD = 64 * KIB

/** A web chat message may carry one file of `maxMediaBytes` as base64 (4 characters for 3 bytes). */
export function webchatBodyLimit(maxMediaBytes: number): number {
  return Math.ceil(maxMediaBytes / 3) * 4 + WEBCHAT_JSON_OVERHEAD
}

function matches(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)
}

/**
 * One body limit for every route, chosen by path: the first rule whose prefix matches, else
 * `fallbackBytes`. A body over it is refused with a 413 problem as soon as its declared length
 * says so, or once the bytes read pass it; it is never read whole.
 *
 * @example
 * app.use(limitBodies([{ prefix: '/webchat', maxBytes: webchatBodyLimit(10 * MIB) }], MIB))
 */
export function limitBodies(rules: readonly BodyLimitRule[], fallbackBytes: number): MiddlewareHandler {
  const limiter = (maxBytes: number): MiddlewareHandler => {
    const tooLarge = (c: Context) => problem(c, 413, `the request body is larger than the ${maxBytes} bytes this route accepts`)
    const streamed = bodyLimit({ maxSize: maxBytes, onError: tooLarge })
    return (c, next) => {
      // A declared length is checked without touching the body, as bodyLimit itself checks it:
      // asking for the body makes @hono/node-server build a web Request and stream it, where the
      // route's JSON would otherwise be read from the socket directly (Node's parser holds the
      // body to its declared length). A body without one is counted as it streams.
      const declared = c.req.header('content-length')
      if (declared === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next)
      return Number.parseInt(declared, 10) > maxBytes ? Promise.resolve(tooLarge(c)) : next()
    }
  }
  const limited = rules.map((rule) => ({ prefix: rule.prefix, handler: rule.maxBytes === null ? null : limiter(rule.maxBytes) }))
  const fallback = limiter(fallbackBytes)
  return (c, next) => {
    const rule = limited.find((candidate) => matches(c.req.path, candidate.prefix))
    if (!rule) return fallback(c, next)
    return rule.handler ? rule.handler(c, next) : next()
  }
}
