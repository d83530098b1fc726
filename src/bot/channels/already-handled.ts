import { and, eq } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { inboundMessages } from '../../db/schema/index.js'
import type { ChannelKind } from '../channel.js'

/**
 * Whether this (channel, message id) was handled before. The inbound intake asks before it
 * downloads a file, so a repeated delivery does not fetch and store it twice; the runtime still dedupes.
 */
export async function alreadyHandled(db: DbOrTx, channel: ChannelKind, externalId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.externalId, externalId)))
    .limit(1)
  return row !== undefined
}
