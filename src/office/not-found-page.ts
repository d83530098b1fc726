import type { Context } from 'hono'
import { html } from './html.js'
import { officePage } from './layout.js'
import type { OfficeEnv } from './office-env.js'

/** 404 in the office: the same page for a case that does not exist and one of another unit. */
export function notFoundPage(c: Context<OfficeEnv>): Response {
  const t = c.var.t
  const signedIn = c.get('user') !== undefined
  return c.html(officePage(c, { title: t('notFound'), signedIn, body: html`<h1>${t('notFound')}</h1><p><a href="/oficina">${t('back')}</a></p>` }), 404)
}
