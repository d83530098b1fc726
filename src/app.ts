import { Hono } from 'hono'
import { createApi } from './api/create-api.js'
import { errorToResponse } from './api/errors.js'
import type { Channel, InboundHandler } from './bot/channel.js'
import type { ChannelStates } from './bot/channel-states.js'
import { createWebchatRoutes, type WebchatRoutesOptions } from './bot/channels/webchat/webchat-routes.js'
import type { Database } from './db/client.js'
import { KIB, limitBodies, MIB, webchatBodyLimit } from './http/body-limits.js'
import { createHealthRoutes } from './http/health.js'
import { problem } from './http/problem.js'
import { securityHeaders } from './http/security-headers.js'
import type { Logger } from './log.js'
import { createObservatoryRoutes } from './observatory/observatory-routes.js'
import { createOpen311Routes } from './open311/open311-routes.js'
import { createOfficeRoutes } from './office/office-routes.js'
import type { Metrics } from './metrics/metrics.js'
import { createMetricsRoutes } from './metrics/metrics-routes.js'

export type AppDeps = {
  database: Database
  handle: InboundHandler
  logger: Logger
  now?: () => Date
  /** channels whose webhook routes are mounted */
  channels?: Iterable<Channel>
  /** what `/health` reports of each channel */
  channelStates?: ChannelStates
  /** small-cell threshold of published statistics (STATS_MIN_CELL) */
  statsMinCell?: number
  /** largest file a citizen may attach (MEDIA_MAX_BYTES) */
  maxMediaBytes?: number
  /** the web chat's keys and kiosk settings */
  webchat: Omit<WebchatRoutesOptions, 'db' | 'handle' | 'now' | 'maxMediaBytes'>
  /** the back office: believe X-Forwarded-Proto and -For (OFFICE_TRUST_PROXY) */
  office?: { trustProxy?: boolean }
  /** `/metrics` for Prometheus, for the METRICS_TOKEN or an admin token; not mounted without */
  metrics?: { metrics: Metrics; token?: string }
}

const DEFAULT_MAX_MEDIA_BYTES = 10 * MIB

/** The whole HTTP surface: web chat page and endpoints, health, admin API. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  app.use(securityHeaders())
  // Every route has a body limit, by path: the web chat carries one attachment as base64, Meta
  // sends webhook payloads of up to 3 MB, Telegram's updates are small; Open311 checks a partner
  // key given outside the body before it reads up to its own limit; the admin API, the CLI bridge
  // and anything else take 1 MB.
  app.use(
    limitBodies(
      [
        { prefix: '/webchat', maxBytes: webchatBodyLimit(deps.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES) },
        { prefix: '/webhooks/whatsapp', maxBytes: 3 * MIB },
        { prefix: '/webhooks/telegram', maxBytes: MIB },
        { prefix: '/open311', maxBytes: null },
        { prefix: '/oficina', maxBytes: 64 * KIB },
      ],
      MIB,
    ),
  )
  app.route('/', createWebchatRoutes({ ...deps.webchat, db: deps.database.db, handle: deps.handle, now: deps.now, maxMediaBytes: deps.maxMediaBytes }))
  for (const channel of deps.channels ?? []) if (channel.routes) app.route('/', channel.routes)
  app.route('/', createHealthRoutes({ database: deps.database, channels: deps.channelStates }))
  if (deps.metrics) app.route('/', createMetricsRoutes({ db: deps.database.db, ...deps.metrics }))
  app.route('/', createApi({ database: deps.database, now: deps.now, statsMinCell: deps.statsMinCell }))
  app.route('/open311/v2', createOpen311Routes({ db: deps.database.db, now: deps.now }))
  app.route('/', createObservatoryRoutes())
  app.route('/oficina', createOfficeRoutes({ db: deps.database.db, now: deps.now, logger: deps.logger, trustProxy: deps.office?.trustProxy }))
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`))
  app.onError((error, c) => errorToResponse(error, c, deps.logger))
  return app
}
