import { Hono } from 'hono'
import { createApi } from './api/create-api.js'
import { errorToResponse } from './api/errors.js'
import type { InboundHandler } from './bot/channel.js'
import { createWebchatRoutes } from './bot/channels/webchat/webchat-routes.js'
import type { Database } from './db/client.js'
import { problem } from './http/problem.js'
import type { Logger } from './log.js'

export type AppDeps = { database: Database; handle: InboundHandler; logger: Logger; now?: () => Date }

/** The whole HTTP surface: web chat page and endpoints, health, admin API. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono()
  app.route('/', createWebchatRoutes({ db: deps.database.db, handle: deps.handle, now: deps.now }))
  app.route('/', createApi({ database: deps.database }))
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${c.req.path}`))
  app.onError((error, c) => errorToResponse(error, c, deps.logger))
  return app
}
