import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { Db } from '../db/client.js'
import { type OfficeUser, type SessionTimes, csrfMatches, readOfficeSession } from './office-sessions.js'
import { OFFICE_LOCALES, type OfficeLocale, type OfficeT, officeStrings } from './strings.js'

/** What every office route finds on its context. */
export type OfficeEnv = {
  Variables: {
    db: Db
    now: () => Date
    locale: OfficeLocale
    t: OfficeT
    /** whether the browser reached us over HTTPS (the cookie is then Secure) */
    secure: boolean
    /** the signed-in user; set by `requireOfficeUser` */
    user: OfficeUser
    /** the session cookie's secret, to check a form's CSRF token against */
    secret: string
  }
}

export type OfficeOptions = {
  db: Db
  now?: () => Date
  /**
   * Believe `X-Forwarded-Proto` (OFFICE_TRUST_PROXY): only behind a reverse proxy that sets it,
   * or any client could claim HTTPS — or, worse, have us think a plain request was secure.
   */
  trustProxy?: boolean
  sessionTimes?: SessionTimes
}

export const SESSION_COOKIE = 'oficina_sesion'
const LANGUAGE_COOKIE = 'oficina_idioma'
/** The cookies live under /oficina only: the web chat and the API never receive them. */
export const COOKIE_PATH = '/oficina'

function isLocale(value: string | undefined): value is OfficeLocale {
  return value !== undefined && (OFFICE_LOCALES as readonly string[]).includes(value)
}

/** Whether this request came over HTTPS: the URL's scheme, or the proxy's word when it is trusted. */
export function cameOverHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true
  if (!trustProxy) return false
  return (c.req.header('x-forwarded-proto') ?? '').split(',')[0]?.trim().toLowerCase() === 'https'
}

/** Database, clock, language (?lang= sticks in a cookie; Spanish by default) and scheme, on every office request. */
export function officeContext(options: OfficeOptions) {
  return createMiddleware<OfficeEnv>(async (c, next) => {
    c.set('db', options.db)
    c.set('now', options.now ?? (() => new Date()))
    const secure = cameOverHttps(c, options.trustProxy === true)
    c.set('secure', secure)
    const asked = c.req.query('lang')
    const locale = isLocale(asked) ? asked : isLocale(getCookie(c, LANGUAGE_COOKIE)) ? (getCookie(c, LANGUAGE_COOKIE) as OfficeLocale) : 'es'
    if (isLocale(asked)) setCookie(c, LANGUAGE_COOKIE, asked, { path: COOKIE_PATH, sameSite: 'Strict', httpOnly: true, secure, maxAge: 365 * 86_400 })
    c.set('locale', locale)
    c.set('t', officeStrings(locale))
    // nothing of the office is kept by a shared cache or the browser's back-forward cache
    c.header('cache-control', 'no-store')
    await next()
  })
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS, for the office's paths only. */
export function setSessionCookie(c: Context<OfficeEnv>, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: c.var.secure })
}

export function clearSessionCookie(c: Context<OfficeEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: c.var.secure })
}

/**
 * Requires a live session; otherwise sends the browser to the sign-in page (saying the session
 * ended when a cookie was presented). A POST must come from our own pages: a foreign Origin or a
 * missing or wrong CSRF token answers 403 before anything is done.
 */
export function requireOfficeUser(times: SessionTimes = {}) {
  return createMiddleware<OfficeEnv>(async (c, next) => {
    const secret = getCookie(c, SESSION_COOKIE)
    const user = secret === undefined ? null : await readOfficeSession(c.var.db, secret, c.var.now(), times)
    if (!user || secret === undefined) {
      if (secret !== undefined) clearSessionCookie(c)
      return c.redirect(secret === undefined ? '/oficina/entrar' : '/oficina/entrar?vencida=1', 303)
    }
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody()
      const token = typeof form._csrf === 'string' ? form._csrf : undefined
      if (!sameOrigin(c) || !csrfMatches(secret, token)) return c.text(c.var.t('forbidden'), 403)
    }
    c.set('user', user)
    c.set('secret', secret)
    await next()
    return undefined
  })
}

/**
 * False when the browser says the form came from another site (Sec-Fetch-Site, or an Origin naming
 * another host). Our pages send no Referer, so Chromium sends `Origin: null` with their own forms:
 * that, or no Origin at all, leaves the decision to the form's token.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false
  const origin = c.req.header('origin')
  if (origin === undefined || origin === 'null') return true
  // behind a proxy that rewrites Host, the name the browser used is in X-Forwarded-Host
  const hosts = [c.req.header('host') ?? new URL(c.req.url).host, c.req.header('x-forwarded-host')?.split(',')[0]?.trim()]
  try {
    const from = new URL(origin).host
    return hosts.some((host) => host !== undefined && host === from)
  } catch {
    return false
  }
}

/** The fields of a posted form that are text (files are ignored: no office form takes one). */
export async function formFields(c: Context): Promise<Record<string, string>> {
  const form = await c.req.parseBody()
  return Object.fromEntries(Object.entries(form).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])))
}
