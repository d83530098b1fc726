import { Hono } from 'hono'
import type { Database } from '../db/client.js'
import type { AppEnv } from './app-env.js'
import { auditRoutes } from './audit-routes.js'
import { caseRoutes } from './case-routes.js'
import { evidenceRoutes } from './evidence-routes.js'
import { pollGroupRoutes } from './poll-group-routes.js'
import { createPollRoutes } from './poll-routes.js'
import { institutionRoutes } from './institution-routes.js'
import { createOpenApiRoutes } from './openapi/openapi-routes.js'
import { outboxRoutes } from './outbox-routes.js'
import { ruleRoutes } from './rule-routes.js'
import { tokenRoutes } from './token-routes.js'
import { unitRoutes } from './unit-routes.js'
import { createStatsRoutes } from './stats-routes.js'
import { staffRoutes } from './staff-routes.js'

/** The admin API, with the database on every request's context (`/health` is src/http/health.ts). */
export function createApi(deps: { database: Database; now?: () => Date; statsMinCell?: number }) {
  const api = new Hono<AppEnv>()
  api.use(async (c, next) => {
    c.set('db', deps.database.db)
    c.set('databaseKind', deps.database.kind)
    c.set('now', deps.now ?? (() => new Date()))
    await next()
  })
  api.route('/api/v1/cases/:code/evidence', evidenceRoutes)
  api.route('/api/v1/cases', caseRoutes)
  api.route('/api/v1/stats', createStatsRoutes({ minCell: deps.statsMinCell }))
  api.route('/api/v1/staff', staffRoutes)
  api.route('/api/v1/institutions', institutionRoutes)
  api.route('/api/v1/units', unitRoutes)
  api.route('/api/v1/rules', ruleRoutes)
  api.route('/api/v1/tokens', tokenRoutes)
  api.route('/api/v1/audit', auditRoutes)
  api.route('/api/v1/outbox', outboxRoutes)
  api.route('/api/v1/polls', createPollRoutes({ minCell: deps.statsMinCell }))
  api.route('/api/v1/poll-groups', pollGroupRoutes)
  api.route('/api/v1', createOpenApiRoutes())
  return api
}
