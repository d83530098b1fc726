import { createHash, timingSafeEqual } from 'node:crypto'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { JobCommandSchema, performJobCommand } from '../cli/job-commands.js'
import { TokenCommandSchema, performTokenCommand } from '../cli/token-commands.js'
import type { Scheduler } from '../jobs/scheduler.js'
import type { Db } from '../db/client.js'
import { problem } from '../http/problem.js'
import { validate } from '../http/validate.js'

/** The header the CLI sends the control file's secret in. */
export const CLI_SECRET_HEADER = 'x-dialogo-cli-secret'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

function fromLoopback(c: Context): boolean {
  try {
    return LOOPBACK.has(getConnInfo(c).remote.address ?? '')
  } catch {
    // No socket (a request made in-process, not through the server): not a local CLI.
    return false
  }
}

// Hashing both sides gives equal lengths, which timingSafeEqual needs, without leaking the length.
function sameSecret(presented: string, secret: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(presented), digest(secret))
}

/**
 * The door the CLI uses while the app holds the embedded database (which serves one process):
 * token and job commands, accepted only from this machine and with the secret of the control file.
 */
export function createCliBridgeRoutes(deps: { db: Db; secret: string; now?: () => Date; scheduler?: Scheduler }) {
  return new Hono()
    .use(async (c, next) => {
      if (!fromLoopback(c)) return problem(c, 403, 'the CLI endpoint answers only on this machine')
      if (!sameSecret(c.req.header(CLI_SECRET_HEADER) ?? '', deps.secret)) return problem(c, 401, 'wrong or missing CLI secret')
      await next()
      return undefined
    })
    .post('/tokens', validate('json', TokenCommandSchema), async (c) => c.json(await performTokenCommand(deps.db, c.req.valid('json'), deps.now?.())))
    .post('/jobs', validate('json', JobCommandSchema), async (c) => {
      if (!deps.scheduler) return problem(c, 404, 'this app runs no scheduler')
      return c.json(await performJobCommand(deps.scheduler, c.req.valid('json')))
    })
}
