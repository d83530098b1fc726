import { Hono } from 'hono'
import { z } from 'zod'
import { CHANNEL_KINDS } from '../bot/channel.js'
import { listDeliveries } from '../bot/list-deliveries.js'
import { OUTBOX_KINDS, OUTBOX_STATUSES } from '../db/schema/index.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { requireRole } from './auth.js'
import { pageOf } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'

export const ListOutboxQuerySchema = z.object({
  /** `failed` for what will never arrive, `held` for what waits for the contact to write */
  status: z.enum(OUTBOX_STATUSES).optional(),
  channel: z.enum(CHANNEL_KINDS).optional(),
  kind: z.enum(OUTBOX_KINDS).optional(),
  cursor: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const Timestamp = z.iso.datetime({ offset: true })
export const DeliverySchema = z.object({
  id: z.number().int(),
  channel: z.string(),
  kind: z.enum(OUTBOX_KINDS),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  reason: z.string().nullable(),
  platformStatus: z.string().nullable(),
  caseCode: z.string().nullable(),
  createdAt: Timestamp,
  lastAttemptAt: Timestamp.nullable(),
  nextAttemptAt: Timestamp.nullable(),
  sentAt: Timestamp.nullable(),
})

export const outboxOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/outbox',
    summary: 'Outgoing messages newest first, by state (pending, held, sent, failed): channel, kind, attempts, reason, times and case; never their text or address',
    tag: 'outbox',
    roles: ['admin'],
    query: ListOutboxQuerySchema,
    response: pageOf(DeliverySchema),
    example: {
      items: [
        {
          id: 812,
          channel: 'telegram',
          kind: 'notice',
          status: 'failed',
          attempts: 1,
          reason: '403: Forbidden: bot was blocked by the user',
          platformStatus: null,
          caseCode: 'K7M2Q-9XH4B',
          createdAt: '2026-12-01T14:02:11.000Z',
          lastAttemptAt: '2026-12-01T14:02:11.000Z',
          nextAttemptAt: null,
          sentAt: null,
        },
      ],
      nextCursor: null,
    },
  },
]

/** What became of outgoing messages, for admins: failed deliveries and their reasons first of all. */
export const outboxRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', validate('query', ListOutboxQuerySchema), async (c) => c.json(await listDeliveries(c.var.db, c.req.valid('query'))))
