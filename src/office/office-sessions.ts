import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { eq, isNotNull, lt, or } from 'drizzle-orm'
import type { AuditActor } from '../api/audit.js'
import type { TokenOwner } from '../auth/tokens.js'
import type { UnitScope } from '../cases/case-ref.js'
import type { DbOrTx } from '../db/client.js'
import { apiTokens, contacts, officeSessions, type OfficeSessionKind } from '../db/schema/index.js'
import { subscribedUnitIds } from '../staff/subscriptions.js'

/** Minutes without a request after which a session ends, and hours after which it ends anyway. */
export const OFFICE_IDLE_MINUTES = 30
export const OFFICE_MAX_HOURS = 12
// lastSeenAt is written at most this often, so reading pages does not write on every request
const TOUCH_MS = 60_000

/** Who is signed in to the office, with exactly the rights of the token or staff chat they came with. */
export type OfficeUser = {
  sessionId: string
  kind: OfficeSessionKind
  /** admin: everything; institution: its units' cases (a staff chat counts as one) */
  role: 'admin' | 'institution'
  /** for the audit log: the token itself, or `staff:<contactId>` */
  actor: AuditActor
  /** as case events and assignments write it: `token:<name>` or `staff:<contactId>` */
  actorName: string
  scope: UnitScope
  /** the name shown in the page's header */
  label: string
  /** the synchronizer token every form of this session carries */
  csrf: string
}

export type SessionTimes = { idleMinutes?: number; maxHours?: number }

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * The CSRF token of a session: an HMAC keyed by the cookie's secret, so it is bound to this
 * session, needs no storage, and is worthless to anyone without the cookie.
 */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('office-csrf').digest('base64url')
}

/** Whether a form's token is the session's, compared in constant time. */
export function csrfMatches(secret: string, presented: string | undefined): boolean {
  if (presented === undefined) return false
  const expected = Buffer.from(csrfTokenFor(secret))
  const given = Buffer.from(presented)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** Opens a session for a token or a staff chat; the secret goes in the cookie and only its hash is stored. */
export async function createOfficeSession(
  db: DbOrTx,
  input: { kind: OfficeSessionKind; tokenId?: string; contactId?: string; now: Date; maxHours?: number },
): Promise<string> {
  const secret = randomBytes(32).toString('base64url')
  const expiresAt = new Date(input.now.getTime() + (input.maxHours ?? OFFICE_MAX_HOURS) * 3_600_000)
  await db.insert(officeSessions).values({
    secretHash: sha256(secret),
    kind: input.kind,
    tokenId: input.tokenId ?? null,
    contactId: input.contactId ?? null,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
  })
  return secret
}

/**
 * The user of a session cookie, or null when it is unknown, signed out, idle too long, past its
 * end, or when its token was revoked or its chat unlinked since.
 */
export async function readOfficeSession(db: DbOrTx, secret: string, now: Date, times: SessionTimes = {}): Promise<OfficeUser | null> {
  if (!/^[\w-]{20,100}$/.test(secret)) return null
  const [row] = await db.select().from(officeSessions).where(eq(officeSessions.secretHash, sha256(secret)))
  if (!row || row.endedAt !== null || row.expiresAt <= now) return null
  if (now.getTime() - row.lastSeenAt.getTime() > (times.idleMinutes ?? OFFICE_IDLE_MINUTES) * 60_000) return null
  const user = await userOf(db, row)
  if (!user) return null
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_MS) await db.update(officeSessions).set({ lastSeenAt: now }).where(eq(officeSessions.id, row.id))
  return { ...user, sessionId: row.id, csrf: csrfTokenFor(secret) }
}

async function userOf(db: DbOrTx, row: typeof officeSessions.$inferSelect): Promise<Omit<OfficeUser, 'sessionId' | 'csrf'> | null> {
  if (row.kind === 'token') {
    if (row.tokenId === null) return null
    const [token] = await db.select().from(apiTokens).where(eq(apiTokens.id, row.tokenId))
    if (!token || token.revokedAt !== null || (token.role !== 'admin' && token.role !== 'institution')) return null
    const owner: TokenOwner = { id: token.id, name: token.name, role: token.role, unitIds: token.unitIds, groupIds: token.groupIds }
    // the same scope the API gives the token: all units for an admin, its own for an institution
    return { kind: 'token', role: token.role, actor: owner, actorName: `token:${token.name}`, scope: token.role === 'admin' ? null : token.unitIds, label: token.name }
  }
  if (row.contactId === null) return null
  // a staff chat works the cases of the units it is linked to now, as its chat commands do
  const unitIds = await subscribedUnitIds(db, row.contactId)
  if (unitIds.length === 0) return null
  const [contact] = await db.select({ displayName: contacts.displayName }).from(contacts).where(eq(contacts.id, row.contactId))
  const actorName = `staff:${row.contactId}`
  return { kind: 'staff', role: 'institution', actor: actorName, actorName, scope: unitIds, label: contact?.displayName ?? '' }
}

/** Signs a session out: its cookie opens nothing any more, even if it was copied. */
export async function endOfficeSession(db: DbOrTx, sessionId: string, now: Date): Promise<void> {
  await db.update(officeSessions).set({ endedAt: now }).where(eq(officeSessions.id, sessionId))
}

/** Deletes sessions that can no longer be used. */
export async function purgeOfficeSessions(db: DbOrTx, now: Date, times: SessionTimes = {}): Promise<void> {
  const idleSince = new Date(now.getTime() - (times.idleMinutes ?? OFFICE_IDLE_MINUTES) * 60_000)
  await db.delete(officeSessions).where(or(lt(officeSessions.expiresAt, now), lt(officeSessions.lastSeenAt, idleSince), isNotNull(officeSessions.endedAt)))
}
