import { and, eq, isNotNull } from 'drizzle-orm'
import type { Db } from '../../../db/client.js'
import { outbox } from '../../../db/schema/index.js'
import { OUTSIDE_WINDOW } from './service-window.js'
import type { CloudStatus } from './webhook-schema.js'

// Webhooks arrive in any order: a late `delivered` must not overwrite `read`.
const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 }
// Meta's "re-engagement message" error: the 24-hour window had closed when it tried to deliver.
const REENGAGEMENT = 131047

/**
 * Records what WhatsApp says became of messages we sent (sent, delivered, read, failed) on
 * their outbox rows. A message refused because the window had closed is held until the citizen
 * writes again; one refused otherwise has failed. Once delivered, read or failed, its text is no
 * longer kept.
 */
export async function recordStatuses(db: Db, statuses: readonly CloudStatus[]): Promise<void> {
  for (const status of statuses) {
    const rank = RANK[status.status]
    if (rank === undefined) continue
    const where = and(eq(outbox.channel, 'whatsapp-cloud'), eq(outbox.externalId, status.id))
    const [row] = await db.select({ id: outbox.id, deliveryStatus: outbox.deliveryStatus }).from(outbox).where(where)
    if (!row || (RANK[row.deliveryStatus ?? ''] ?? 0) >= rank) continue
    const seconds = Number(status.timestamp)
    const at = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date()
    const error = status.errors?.[0]
    if (status.status === 'failed' && error?.code === REENGAGEMENT) {
      const [held] = await db
        .update(outbox)
        .set({ status: 'held', deliveryStatus: null, deliveryStatusAt: at, externalId: null, sentAt: null, lastError: OUTSIDE_WINDOW })
        .where(and(eq(outbox.id, row.id), isNotNull(outbox.body)))
        .returning({ id: outbox.id })
      if (held) continue
      // its text was no longer kept (sent by an older version): it cannot go again, so it failed
    }
    const lastError = error ? `${error.code} ${error.title ?? error.message ?? ''}`.trim().slice(0, 500) : undefined
    await db
      .update(outbox)
      .set({
        deliveryStatus: status.status,
        deliveryStatusAt: at,
        ...(lastError ? { lastError } : {}),
        // Meta gave up on it: it failed for good, and shows among the failed deliveries
        ...(status.status === 'failed' ? { status: 'failed' as const } : {}),
        ...(status.status === 'sent' ? {} : { body: null }),
      })
      .where(eq(outbox.id, row.id))
  }
}
