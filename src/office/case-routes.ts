import { and, eq, gt, isNull, ne, or } from 'drizzle-orm'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { recordAudit } from '../api/audit.js'
import { AssignBodySchema, CommentBodySchema, ReassignBodySchema, TransitionBodySchema } from '../api/case-routes.js'
import { assignCase } from '../cases/assign-case.js'
import { ChatOnlyContactError, caseContact } from '../cases/case-contact.js'
import { loadEvidence } from '../cases/case-evidence.js'
import { type CaseRow, loadCase } from '../cases/case-ref.js'
import { commentCase } from '../cases/comment-case.js'
import { getCase } from '../cases/get-case.js'
import { reassignCase } from '../cases/reassign-case.js'
import { normalizeTrackingCode } from '../cases/tracking-code.js'
import { transitionCase } from '../cases/transition-case.js'
import type { Tx } from '../db/client.js'
import { contacts, units } from '../db/schema/index.js'
import { DomainError, ForbiddenError, InvalidTransitionError, NotFoundError } from '../domain-errors.js'
import { cleanServedImage } from '../media/clean-served-image.js'
import { contactReleased } from '../privacy/release-contact.js'
import { listStaffLinks } from '../staff/link-codes.js'
import { type CasePageData, renderCasePage } from './case-page.js'
import { html } from './html.js'
import { csrfField, notice, officePage } from './layout.js'
import { type OfficeEnv, formFields } from './office-env.js'
import { notFoundPage } from './not-found-page.js'

/** The case a page names, within the user's scope: another unit's case is not found, as in the API. */
async function scopedCase(c: Context<OfficeEnv>): Promise<CaseRow | null> {
  const code = normalizeTrackingCode(c.req.param('code') ?? '')
  if (code === null) return null
  try {
    return await loadCase(c.var.db, code, c.var.user.scope)
  } catch (error) {
    if (error instanceof NotFoundError) return null
    throw error
  }
}

async function pageData(c: Context<OfficeEnv>, row: CaseRow): Promise<CasePageData> {
  const { db, user } = c.var
  const detail = await getCase(db, row.code, { original: user.role === 'admin' })
  const links = row.unitId === null ? [] : await listStaffLinks(db, user.scope, row.unitId)
  const assignees = links.map((link) => ({ value: `staff:${link.contactId}`, name: link.displayName ?? `${c.var.t('staffChat')} (${link.channel})` }))
  if (user.kind === 'token' && user.role === 'institution') assignees.unshift({ value: user.actorName, name: `${c.var.t('assignMe')} (${user.label})` })
  if (row.assignee !== null && !assignees.some((a) => a.value === row.assignee)) assignees.push({ value: row.assignee, name: row.assignee.startsWith('token:') ? row.assignee.slice(6) : c.var.t('staffChat') })
  const now = c.var.now()
  const [own] = row.unitId === null ? [] : await db.select({ institutionId: units.institutionId }).from(units).where(eq(units.id, row.unitId))
  const siblings = own
    ? await db
        .select({ id: units.id, name: units.name })
        .from(units)
        .where(and(eq(units.institutionId, own.institutionId), ne(units.id, row.unitId ?? ''), or(isNull(units.validTo), gt(units.validTo, now))))
        .orderBy(units.name)
    : []
  const consented = row.identityMode === 'named' || (row.identityMode === 'confidential' && (await contactReleased(db, row.id)))
  let contact: CasePageData['contact'] = null
  if (consented && row.contactId !== null) {
    const [who] = await db.select({ channel: contacts.channel }).from(contacts).where(eq(contacts.id, row.contactId))
    if (who) contact = who.channel === 'webchat' ? 'chatOnly' : 'offer'
  }
  return { detail, assignees, units: siblings, contact }
}

const ERROR_CODES = (error: unknown): string => {
  if (error instanceof InvalidTransitionError) return 'transicion'
  if (error instanceof ForbiddenError) return 'permiso'
  return 'datos'
}

/**
 * Runs one action of a case form in a transaction with its audit entry, then sends the browser
 * back to the case (POST-redirect-GET). A case outside the scope is a 404, as in the API.
 */
async function act(c: Context<OfficeEnv>, done: string, build: (fields: Record<string, string>) => unknown, work: (tx: Tx, code: string, body: never) => Promise<void>) {
  const row = await scopedCase(c)
  if (!row) return notFoundPage(c)
  let body: unknown
  try {
    body = build(await formFields(c))
  } catch {
    return c.redirect(`/oficina/casos/${row.code}?error=datos`, 303)
  }
  try {
    await c.var.db.transaction((tx) => work(tx, row.code, body as never))
  } catch (error) {
    if (error instanceof NotFoundError) return notFoundPage(c)
    if (!(error instanceof DomainError)) throw error
    return c.redirect(`/oficina/casos/${row.code}?error=${ERROR_CODES(error)}`, 303)
  }
  return c.redirect(`/oficina/casos/${row.code}?hecho=${done}`, 303)
}

const optionalNote = (text: string | undefined) => (text?.trim() ? text.trim() : undefined)

/** A file's name when downloaded, from its type. */
function extensionOf(mimeType: string): string {
  const sub = mimeType.split('/')[1]?.split(';')[0] ?? ''
  const known: Record<string, string> = { jpeg: 'jpg', mpeg: 'mp3', plain: 'txt', quicktime: 'mov', '3gpp': '3gp', 'octet-stream': 'bin' }
  return known[sub] ?? (/^[a-z0-9]{1,8}$/.test(sub) ? sub : 'bin')
}

/** The case page, its evidence files, its actions and the citizen's contact behind a warning. */
export const officeCaseRoutes = new Hono<OfficeEnv>()
  .get('/:code', async (c) => {
    const row = await scopedCase(c)
    if (!row) return notFoundPage(c)
    return c.html(await renderCasePage(c, await pageData(c, row)))
  })
  .get('/:code/evidencia/:id', async (c) => {
    const id = z.uuid().safeParse(c.req.param('id'))
    const code = normalizeTrackingCode(c.req.param('code'))
    if (!id.success || code === null) return notFoundPage(c)
    const { user } = c.var
    // the same checks and audit entry as GET /api/v1/cases/{code}/evidence/{id}
    const file = await c.var.db
      .transaction(async (tx) => {
        const found = await loadCase(tx, code, user.scope)
        const evidence = await loadEvidence(tx, found.id, id.data)
        await recordAudit(tx, { actor: user.actor, action: 'download', entity: 'evidence', entityId: evidence.id, details: { case: found.code, kind: evidence.kind, sha256: evidence.sha256 }, at: c.var.now() })
        return { ...evidence, code: found.code }
      })
      .catch((error: unknown) => {
        if (error instanceof NotFoundError) return null
        throw error
      })
    if (!file) return notFoundPage(c)
    const served = await cleanServedImage(file.content, file.mimeType)
    return c.body(new Uint8Array(served.bytes), 200, {
      'content-type': served.mimeType,
      'content-length': String(served.bytes.length),
      // a download when opened by itself; <img> and <audio> still show and play it
      'content-disposition': `attachment; filename="evidencia-${file.code}-${file.id.slice(0, 8)}.${extensionOf(served.mimeType)}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    })
  })
  .post('/:code/estado', (c) =>
    act(
      c,
      'estado',
      (f) => TransitionBodySchema.parse({ to: f.to, note: optionalNote(f.note), public: f.public === '1' }),
      async (tx, code, body: z.infer<typeof TransitionBodySchema>) => {
        const user = c.var.user
        const result = await transitionCase(tx, { code, ...body, actor: user.actorName, scope: user.scope, now: c.var.now() })
        await recordAudit(tx, { actor: user.actor, action: 'transition', entity: 'case', entityId: result.code, details: { from: result.from, to: result.to } })
      },
    ),
  )
  .post('/:code/nota', (c) =>
    act(
      c,
      'nota',
      (f) => CommentBodySchema.parse({ note: f.note, public: f.public === '1' }),
      async (tx, code, body: z.infer<typeof CommentBodySchema>) => {
        const user = c.var.user
        const result = await commentCase(tx, { code, ...body, actor: user.actorName, scope: user.scope, now: c.var.now() })
        await recordAudit(tx, { actor: user.actor, action: 'comment', entity: 'case', entityId: result.code, details: { public: body.public } })
      },
    ),
  )
  .post('/:code/asignar', (c) =>
    act(
      c,
      'asignar',
      (f) => AssignBodySchema.parse({ assignee: f.assignee ? f.assignee : null }),
      async (tx, code, body: z.infer<typeof AssignBodySchema>) => {
        const user = c.var.user
        const result = await assignCase(tx, { code, assignee: body.assignee, actor: user.actorName, scope: user.scope, now: c.var.now() })
        await recordAudit(tx, { actor: user.actor, action: 'assign', entity: 'case', entityId: result.code, details: { assignee: result.assignee } })
      },
    ),
  )
  .post('/:code/trasladar', (c) =>
    act(
      c,
      'trasladar',
      (f) => ReassignBodySchema.parse({ unitId: f.unitId, note: f.note, public: f.public === '1' }),
      async (tx, code, body: z.infer<typeof ReassignBodySchema>) => {
        const user = c.var.user
        const result = await reassignCase(tx, { code, ...body, actor: user.actorName, scope: user.scope, now: c.var.now() })
        await recordAudit(tx, { actor: user.actor, action: 'reassign', entity: 'case', entityId: result.code, details: { unitId: result.unit.id } })
      },
    ),
  )
  .get('/:code/contacto', async (c) => {
    const row = await scopedCase(c)
    if (!row) return notFoundPage(c)
    const t = c.var.t
    const body = html`<p><a href="/oficina/casos/${row.code}">← ${t('contactCancel')}</a></p>
<h1>${t('contact')} · <span class="code">${row.code}</span></h1>
${notice('error', t('contactWarning'))}
<form method="post" action="/oficina/casos/${row.code}/contacto">${csrfField(c)}<button type="submit">${t('contactConfirm')}</button></form>
<p><a href="/oficina/casos/${row.code}">${t('contactCancel')}</a></p>`
    return c.html(officePage(c, { title: t('contact'), body, current: 'inbox' }))
  })
  .post('/:code/contacto', async (c) => {
    const row = await scopedCase(c)
    if (!row) return notFoundPage(c)
    const { t, user } = c.var
    let shown
    try {
      // the API's own check (consent, scope, not a web chat) and its audit entry, in one transaction
      shown = await c.var.db.transaction(async (tx) => {
        const found = await caseContact(tx, row.code, user.scope)
        await recordAudit(tx, { actor: user.actor, action: 'read-contact', entity: 'case', entityId: found.code })
        return found
      })
    } catch (error) {
      if (error instanceof NotFoundError) return notFoundPage(c)
      const text = error instanceof ChatOnlyContactError ? t('contactChatOnly') : error instanceof ForbiddenError ? t('contactNone') : null
      if (text === null) throw error
      return c.html(officePage(c, { title: t('contact'), body: html`<h1>${t('contact')}</h1>${notice('error', text)}<p><a href="/oficina/casos/${row.code}">${t('contactCancel')}</a></p>`, current: 'inbox' }), 403)
    }
    const body = html`<p><a href="/oficina/casos/${row.code}">← ${t('contactCancel')}</a></p>
<h1>${t('contact')} · <span class="code">${shown.code}</span></h1>
<dl class="facts"><dt>${t('contactChannel')}</dt><dd>${shown.channel}</dd><dt>${t('contactAddress')}</dt><dd>${shown.address}</dd><dt>${t('contactName')}</dt><dd>${shown.displayName ?? '—'}</dd></dl>`
    return c.html(officePage(c, { title: t('contact'), body, current: 'inbox' }))
  })

