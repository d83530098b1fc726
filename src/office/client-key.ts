import { createHmac } from 'node:crypto'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { DbOrTx } from '../db/client.js'
import { loadAppSecret } from '../db/app-secret.js'

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address
  } catch {
    // not behind @hono/node-server (tests call app.request directly)
    return undefined
  }
}

/**
 * The key sign-in attempts from this browser's address are counted under: a keyed hash, never the
 * address itself. Behind a trusted proxy the first X-Forwarded-For address is the client's.
 */
export async function signInClientKey(db: DbOrTx, c: Context, trustProxy: boolean): Promise<string> {
  const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',')[0]?.trim() : undefined
  const address = forwarded || socketAddress(c) || 'unknown'
  const secret = await loadAppSecret(db, 'office-sign-in')
  return `office-sign-in:${createHmac('sha256', secret).update(address).digest('base64url')}`
}
