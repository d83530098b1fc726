import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { DomainError, NotFoundError } from '../domain-errors.js'
import type { Logger } from '../log.js'
import { officeAdminRoutes } from './admin-routes.js'
import { officeCaseRoutes } from './case-routes.js'
import { html } from './html.js'
import { inboxPage } from './inbox-page.js'
import { notice, officePage } from './layout.js'
import { notFoundPage } from './not-found-page.js'
import { type OfficeEnv, type OfficeOptions, officeContext, requireOfficeUser } from './office-env.js'
import { signInRoutes } from './sign-in-routes.js'

const STYLESHEET = readFileSync(new URL('./page/oficina.css', import.meta.url), 'utf8')

/**
 * The back office at /oficina: server-rendered pages and plain forms (no script), signed in with
 * a staff chat's one-time code or an API token, working the same services with the same scope as
 * the API.
 *
 * @example
 * app.route('/oficina', createOfficeRoutes({ db, logger }))
 */
export function createOfficeRoutes(options: OfficeOptions & { logger: Logger }) {
  const sessionTimes = options.sessionTimes ?? {}
  const signedIn = new Hono<OfficeEnv>()
    .use(requireOfficeUser(sessionTimes))
    .get('/', inboxPage)
    .route('/casos', officeCaseRoutes)
    .route('/admin', officeAdminRoutes)
    .all('/*', notFoundPage)
  const office = new Hono<OfficeEnv>()
    .use(officeContext(options))
    .get('/oficina.css', (c) => c.body(STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }))
    .route('/', signInRoutes({ trustProxy: options.trustProxy === true, sessionTimes }))
    .route('/', signedIn)
  office.onError((error, c) => {
    if (error instanceof NotFoundError) return notFoundPage(c)
    if (error instanceof DomainError) {
      return c.html(officePage(c, { title: c.var.t('failed'), body: html`<h1>${c.var.t('failed')}</h1>${notice('error', c.var.t('checkForm'))}<p><a href="/oficina">${c.var.t('back')}</a></p>` }), 400)
    }
    options.logger.error({ err: error, path: c.req.path }, 'office page failed')
    return c.text('Error', 500)
  })
  return office
}
