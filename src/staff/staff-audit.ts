import type { DbOrTx } from '../db/client.js'
import { auditLog } from '../db/schema/index.js'

/**
 * Records what a staff member did from their chat (linking, acknowledging, reading a case) in
 * the audit log, as `staff:<contactId>`: chat actions answer to the same log as API writes.
 */
export async function auditStaffAction(
  db: DbOrTx,
  input: { contactId: string; action: string; entity: string; entityId: string; details?: Record<string, string | string[]>; at: Date },
): Promise<void> {
  await db.insert(auditLog).values({
    actor: `staff:${input.contactId}`,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    details: input.details ?? null,
    at: input.at,
  })
}
