import { Hono } from 'hono'
import type { Database } from '../db/client.js'
import type { AppEnv } from './app-env.js'
import { caseRoutes } from './case-routes.js'

/** The admin API and health check, with the database on every request's context. */
export function createApi(deps: { database: Database }) {
  const api = new Hono<AppEnv>()
  api.use(async (c, next) => {
    c.set('db', deps.database.db)
    c.set('databaseKind', deps.database.kind)
    await next()
  })
  api.get('/health', (c) => c.json({ status: 'ok', database: c.var.databaseKind }))
  api.route('/api/v1/cases', caseRoutes)
  return api
}
