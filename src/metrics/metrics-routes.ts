import { Hono } from 'hono'
import { verifyToken } from '../auth/tokens.js'
import type { Db } from '../db/client.js'
import { problem } from '../http/problem.js'
import { sameSecret } from '../http/same-secret.js'
import type { Metrics } from './metrics.js'

export type MetricsRoutesOptions = {
  db: Db
  metrics: Metrics
  /** METRICS_TOKEN: a bearer secret for the scraper alone; an admin API token is accepted too */
  token?: string
}

/**
 * `GET /metrics` in Prometheus' text format, for a bearer METRICS_TOKEN or an admin token only.
 * No exception for requests from 127.0.0.1: behind a reverse proxy on the same machine every
 * request arrives from there.
 *
 * @example
 * app.route('/', createMetricsRoutes({ db, metrics, token: config.METRICS_TOKEN }))
 */
export function createMetricsRoutes(options: MetricsRoutesOptions): Hono {
  return new Hono().get('/metrics', async (c) => {
    const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
    const scraper = presented !== undefined && options.token !== undefined && sameSecret(presented, options.token)
    const owner = scraper || presented === undefined ? null : await verifyToken(options.db, presented)
    if (!scraper && !owner) {
      c.header('www-authenticate', 'Bearer realm="dialogo metrics"')
      return problem(c, 401, 'metrics need the bearer METRICS_TOKEN or an admin token')
    }
    if (!scraper && owner?.role !== 'admin') return problem(c, 403, 'metrics are for the METRICS_TOKEN or an admin token')
    const body = await options.metrics.registry.metrics()
    return c.body(body, 200, { 'content-type': options.metrics.registry.contentType, 'cache-control': 'no-store' })
  })
}
