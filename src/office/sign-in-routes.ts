import { randomBytes, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { recordAudit } from '../api/audit.js'
import { verifyToken } from '../auth/tokens.js'
import { allowLookup } from '../privacy/lookup-limit.js'
import { subscribedUnitIds } from '../staff/subscriptions.js'
import { signInClientKey } from './client-key.js'
import { html } from './html.js'
import { notice, officePage } from './layout.js'
import { COOKIE_PATH, type OfficeEnv, SESSION_COOKIE, clearSessionCookie, formFields, requireOfficeUser, sameOrigin, setSessionCookie } from './office-env.js'
import { type SessionTimes, createOfficeSession, endOfficeSession, purgeOfficeSessions, readOfficeSession } from './office-sessions.js'
import { purgeSignInCodes, redeemSignInCode } from './sign-in-codes.js'

/** Sign-in attempts per hour from one address, and from everyone together (guessing codes spread over many addresses). */
const PER_CLIENT_PER_HOUR = 20
const ALL_PER_HOUR = 600
/** A cookie for the sign-in form only: its value is echoed in the form (double submit), so no other site can post a sign-in. */
const FORM_COOKIE = 'oficina_formulario'

function formNonce(c: Context<OfficeEnv>): string {
  const existing = getCookie(c, FORM_COOKIE)
  if (existing && /^[\w-]{22,64}$/.test(existing)) return existing
  const nonce = randomBytes(18).toString('base64url')
  setCookie(c, FORM_COOKIE, nonce, { path: COOKIE_PATH, httpOnly: true, sameSite: 'Strict', secure: c.var.secure })
  return nonce
}

function nonceMatches(c: Context, presented: string | undefined): boolean {
  const expected = getCookie(c, FORM_COOKIE)
  if (!expected || !presented || expected.length !== presented.length) return false
  return timingSafeEqual(Buffer.from(expected), Buffer.from(presented))
}

type Outcome = 'failed' | 'limited' | 'expired' | 'signedOut' | undefined

function signInPage(c: Context<OfficeEnv>, outcome: Outcome, code = ''): string {
  const t = c.var.t
  const nonce = formNonce(c)
  const message =
    outcome === 'failed' ? notice('error', t('signInFailed'))
    : outcome === 'limited' ? notice('error', t('signInLimited'))
    : outcome === 'expired' ? notice('error', t('expired'))
    : outcome === 'signedOut' ? notice('ok', t('signedOut'))
    : ''
  return officePage(c, {
    title: t('signInTitle'),
    signedIn: false,
    body: html`<h1>${t('signInTitle')}</h1>
${message}
<section class="card" aria-labelledby="by-code">
  <h2 id="by-code">${t('signInByCode')}</h2>
  <p id="code-help">${t('signInCodeHelp')}</p>
  <form method="post" action="/oficina/entrar">
    <input type="hidden" name="_form" value="${nonce}">
    <label for="code">${t('signInCode')}</label>
    <input id="code" name="code" value="${code}" required autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="20" aria-describedby="code-help">
    <button type="submit">${t('signInCodeButton')}</button>
  </form>
</section>
<section class="card" aria-labelledby="by-token">
  <h2 id="by-token">${t('signInByToken')}</h2>
  <p id="token-help">${t('signInTokenHelp')}</p>
  <form method="post" action="/oficina/entrar">
    <input type="hidden" name="_form" value="${nonce}">
    <label for="token">${t('signInToken')}</label>
    <input id="token" name="token" type="password" required autocomplete="off" spellcheck="false" maxlength="200" aria-describedby="token-help">
    <button type="submit">${t('signInTokenButton')}</button>
  </form>
</section>`,
  })
}

/** Sign in with a staff chat's one-time code or an API token, and sign out. */
export function signInRoutes(options: { trustProxy: boolean; sessionTimes: SessionTimes }) {
  return new Hono<OfficeEnv>()
    .get('/entrar', async (c) => {
      const secret = getCookie(c, SESSION_COOKIE)
      if (secret !== undefined && (await readOfficeSession(c.var.db, secret, c.var.now(), options.sessionTimes))) return c.redirect('/oficina', 303)
      const outcome: Outcome = c.req.query('vencida') !== undefined ? 'expired' : c.req.query('salio') !== undefined ? 'signedOut' : undefined
      // the code of a link arrives in the address but is spent only by the button: link previews fetch addresses
      const code = (c.req.query('codigo') ?? '').slice(0, 20)
      return c.html(signInPage(c, outcome, code))
    })
    .post('/entrar', async (c) => {
      const fields = await formFields(c)
      if (!sameOrigin(c) || !nonceMatches(c, fields._form)) return c.text(c.var.t('forbidden'), 403)
      const now = c.var.now()
      const clientKey = await signInClientKey(c.var.db, c, options.trustProxy)
      const result = await c.var.db.transaction(async (tx) => {
        // counted first, and committed whatever the outcome, so failures add up
        const allowed = (await allowLookup(tx, [clientKey], now, PER_CLIENT_PER_HOUR)) && (await allowLookup(tx, ['office-sign-in:all'], now, ALL_PER_HOUR))
        if (!allowed) return 'limited' as const
        await purgeOfficeSessions(tx, now, options.sessionTimes)
        await purgeSignInCodes(tx, now)
        const code = fields.code?.trim()
        const token = fields.token?.trim()
        if (code) {
          const contactId = await redeemSignInCode(tx, { code, now })
          if (contactId === null || (await subscribedUnitIds(tx, contactId)).length === 0) return 'failed' as const
          const secret = await createOfficeSession(tx, { kind: 'staff', contactId, now, maxHours: options.sessionTimes.maxHours })
          await recordAudit(tx, { actor: `staff:${contactId}`, action: 'sign-in', entity: 'office', entityId: contactId, at: now })
          return { secret }
        }
        if (token && token.length <= 200) {
          const owner = await verifyToken(tx, token, now)
          // an observatory, partner or facilitator token has no office: it is refused like a wrong one
          if (!owner || (owner.role !== 'admin' && owner.role !== 'institution')) return 'failed' as const
          const secret = await createOfficeSession(tx, { kind: 'token', tokenId: owner.id, now, maxHours: options.sessionTimes.maxHours })
          await recordAudit(tx, { actor: owner, action: 'sign-in', entity: 'office', entityId: owner.id, at: now })
          return { secret }
        }
        return 'failed' as const
      })
      if (result === 'limited') return c.html(signInPage(c, 'limited'), 429)
      if (result === 'failed') return c.html(signInPage(c, 'failed'), 401)
      setSessionCookie(c, result.secret)
      return c.redirect('/oficina', 303)
    })
    .post('/salir', requireOfficeUser(options.sessionTimes), async (c) => {
      await endOfficeSession(c.var.db, c.var.user.sessionId, c.var.now())
      clearSessionCookie(c)
      return c.redirect('/oficina/entrar?salio=1', 303)
    })
}
