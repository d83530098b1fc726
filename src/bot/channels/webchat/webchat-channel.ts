import type { Db } from '../../../db/client.js'
import { webchatMessages } from '../../../db/schema/index.js'
import type { Channel } from '../../channel.js'

/**
 * The web chat as a channel: replies to a message go back in the HTTP response; anything sent
 * later (status updates, alerts) is stored until the page polls for it, in the database so that
 * any app instance can answer the poll.
 */
export function createWebchatChannel(db: Db): Channel {
  return {
    kind: 'webchat',
    ratePerSecond: 200,
    inlineReplies: true,
    async send(conversationId, reply) {
      try {
        const [row] = await db.insert(webchatMessages).values({ conversationId, body: reply }).returning({ id: webchatMessages.id })
        return { ok: true, externalId: row ? String(row.id) : undefined }
      } catch (error) {
        // like any platform refusing: the outbox retries later, the worker does not crash
        return { ok: false, permanent: false, error: error instanceof Error ? error.message.split('\n')[0] ?? 'store failed' : 'store failed' }
      }
    },
  }
}
