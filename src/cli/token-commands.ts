import { z } from 'zod'
import { recordAudit } from '../api/audit.js'
import { assertNever } from '../assert-never.js'
import { issueToken, unitIdsByCode } from '../auth/issue-token.js'
import { listTokens, revokeToken } from '../auth/tokens.js'
import type { DbOrTx } from '../db/client.js'
import { ROLES } from '../db/schema/index.js'

/** What the CLI asks of the token store, run on the database or sent to the running app. */
export const TokenCommandSchema = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('create'),
    name: z.string({ message: '--name is required' }).trim().min(1, '--name is required').max(100),
    role: z.enum(ROLES, { message: `--role must be one of ${ROLES.join(', ')}` }),
    unitCodes: z.array(z.string().min(1).max(80)).max(500).default([]),
  }),
  z.object({ command: z.literal('list') }),
  z.object({ command: z.literal('revoke'), id: z.uuid({ message: 'the token id is a UUID, as `token list` shows it' }) }),
])
export type TokenCommand = z.infer<typeof TokenCommandSchema>

const ListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  unitIds: z.array(z.string()),
  createdAt: z.coerce.date(),
  lastUsedAt: z.coerce.date().nullable(),
  revokedAt: z.coerce.date().nullable(),
})

/** The answer to a token command; also parses it back from the running app's JSON. */
export const TokenCommandResultSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('create'), id: z.string(), name: z.string(), role: z.enum(ROLES), unitIds: z.array(z.string()), token: z.string() }),
  z.object({ command: z.literal('list'), tokens: z.array(ListingSchema) }),
  z.object({ command: z.literal('revoke'), id: z.string(), revoked: z.boolean() }),
])
export type TokenCommandResult = z.infer<typeof TokenCommandResultSchema>

/** Runs a token command on the database, in one transaction with its audit entry (actor 'cli'). */
export async function performTokenCommand(db: DbOrTx, command: TokenCommand, now: Date = new Date()): Promise<TokenCommandResult> {
  switch (command.command) {
    case 'list':
      return { command: 'list', tokens: await listTokens(db) }
    case 'create':
      return db.transaction(async (tx) => {
        const unitIds = await unitIdsByCode(tx, command.unitCodes)
        const created = await issueToken(tx, { name: command.name, role: command.role, unitIds })
        await recordAudit(tx, { actor: 'cli', action: 'create', entity: 'token', entityId: created.id, details: { role: created.role, unitIds: created.unitIds }, at: now })
        return { command: 'create' as const, ...created }
      })
    case 'revoke':
      return db.transaction(async (tx) => {
        const revoked = await revokeToken(tx, command.id, now)
        if (revoked) await recordAudit(tx, { actor: 'cli', action: 'revoke', entity: 'token', entityId: command.id, at: now })
        return { command: 'revoke' as const, id: command.id, revoked }
      })
    default:
      return assertNever(command)
  }
}
