import { createMiddleware } from 'hono/factory'
import type { TokenOwner } from '../auth/tokens.js'
import { verifyToken } from '../auth/tokens.js'
import type { Role } from '../db/schema/index.js'
import { problem } from '../http/problem.js'
import type { AppEnv } from './app-env.js'

/**
 * Requires a bearer token whose role is one of `roles`: 401 without a valid token, 403 with a
 * token of another role. Sets `c.var.actor`.
 *
 * @example
 * app.get('/cases', requireRole('admin'), (c) => c.json(...))
 */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)$/i.exec(header)
    const owner: TokenOwner | null = match?.[1] ? await verifyToken(c.var.db, match[1]) : null
    if (!owner) {
      c.header('www-authenticate', 'Bearer realm="dialogo"')
      return problem(c, 401, 'a valid bearer token is required')
    }
    if (!roles.includes(owner.role)) return problem(c, 403, `this endpoint needs the role ${roles.join(' or ')}`)
    c.set('actor', owner)
    await next()
    return undefined
  })
}
