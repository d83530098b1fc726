import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { listAudit } from '../api/audit.js'
import { ListAuditQuerySchema } from '../api/audit-routes.js'
import { DryRunSchema } from '../api/rule-routes.js'
import { listTokens } from '../auth/tokens.js'
import { SECTORS, units } from '../db/schema/index.js'
import { DomainError } from '../domain-errors.js'
import { dryRunRouting } from '../directory/dry-run.js'
import { listRules } from '../directory/rules.js'
import { listUnits } from '../directory/units.js'
import { html } from './html.js'
import { sectorLabel, when } from './labels.js'
import { notice, officePage } from './layout.js'
import type { OfficeEnv } from './office-env.js'

/** Only an admin token's session: the same role the API asks for these reads. */
const adminOnly = createMiddleware<OfficeEnv>(async (c, next) => {
  if (c.var.user.role !== 'admin') return c.html(officePage(c, { title: c.var.t('adminOnly'), body: html`<h1>${c.var.t('adminOnly')}</h1>` }), 403)
  await next()
  return undefined
})

const table = (caption: string, head: string[], rows: ReturnType<typeof html>[]) =>
  html`<div class="scroll" role="region" aria-label="${caption}" tabindex="0"><table><caption>${caption}</caption><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`

/** Read views of the directory, the rules with the dry run, the tokens (never a secret) and the audit log. */
export const officeAdminRoutes = new Hono<OfficeEnv>()
  .use(adminOnly)
  .get('/unidades', async (c) => {
    const t = c.var.t
    const cursor = c.req.query('cursor')?.slice(0, 100)
    const page = await listUnits(c.var.db, { cursor, limit: 200 })
    const rows = page.items.map((unit) => html`<tr><td>${unit.code}</td><td>${unit.name}</td><td>${unit.departmentCode ?? '—'}</td><td>${unit.municipalityCode ?? '—'}</td><td>${when(unit.validFrom)}</td><td>${unit.validTo ? when(unit.validTo) : t('open')}</td></tr>`)
    const body = html`<h1>${t('unitsTitle')}</h1>${table(t('unitsTitle'), [t('code'), t('name'), t('department'), t('municipality'), t('validFrom'), t('validTo')], rows)}
${page.nextCursor ? html`<p class="pager"><a rel="next" href="/oficina/admin/unidades?cursor=${encodeURIComponent(page.nextCursor)}">${t('nextPage')}</a></p>` : ''}`
    return c.html(officePage(c, { title: t('unitsTitle'), body, current: 'units' }))
  })
  .get('/reglas', async (c) => {
    const t = c.var.t
    // every unit's name, however many there are (a rule may name any of them)
    const names = new Map((await c.var.db.select({ id: units.id, name: units.name }).from(units)).map((unit) => [unit.id, unit.name]))
    const rules = await listRules(c.var.db)
    const query = { sector: c.req.query('sector'), category: c.req.query('category')?.trim(), municipalityCode: c.req.query('municipalityCode')?.trim() }
    let result = html``
    if (query.sector || query.category || query.municipalityCode) {
      const parsed = DryRunSchema.safeParse(query)
      if (!parsed.success) result = notice('error', html`${t('filterInvalid')} ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
      else {
        try {
          const run = await dryRunRouting(c.var.db, parsed.data, c.var.now())
          result = html`<div class="card" role="status"><p><strong>${t('dryRunGoes')}:</strong> ${run.unit ? `${run.unit.name}${run.institution ? ` (${run.institution.name})` : ''}` : t('dryRunNone')}${run.slaHours ? ` · ${t('sla')}: ${run.slaHours}` : ''}</p><p>${run.reason}</p>
${run.candidates.length > 0 ? html`<ol>${run.candidates.map((candidate) => html`<li>${candidate.unit.name}${candidate.lostBecause ? html` — ${t('dryRunWhy')}: ${candidate.lostBecause}` : ''}</li>`)}</ol>` : ''}</div>`
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          result = notice('error', error.message)
        }
      }
    }
    const rows = rules.map((rule) => html`<tr><td>${sectorLabel(t, rule.sector)}</td><td>${rule.category ?? t('any')}</td><td>${rule.municipalityCode ?? rule.departmentCode ?? t('any')}</td><td>${names.get(rule.unitId) ?? rule.unitId}</td><td>${rule.slaHours}</td><td>${rule.priority}</td><td>${rule.source}</td></tr>`)
    const body = html`<h1>${t('rulesTitle')}</h1>
<section class="card" aria-labelledby="dry-run-title"><h2 id="dry-run-title">${t('dryRun')}</h2>
<form method="get" action="/oficina/admin/reglas">
<p><label for="d-sector">${t('sector')}</label><select id="d-sector" name="sector">${SECTORS.map((sector) => html`<option value="${sector}"${query.sector === sector ? html` selected` : ''}>${sectorLabel(t, sector)}</option>`)}</select></p>
<p><label for="d-category">${t('dryRunCategory')}</label><input id="d-category" name="category" value="${query.category ?? ''}" required maxlength="60"></p>
<p><label for="d-municipality">${t('dryRunMunicipality')}</label><input id="d-municipality" name="municipalityCode" value="${query.municipalityCode ?? ''}" required inputmode="numeric" maxlength="4"></p>
<p><button type="submit">${t('dryRunButton')}</button></p></form>${result}</section>
${table(t('rulesTitle'), [t('sector'), t('category'), t('place'), t('unit'), t('sla'), t('priority'), t('source')], rows)}`
    return c.html(officePage(c, { title: t('rulesTitle'), body, current: 'rules' }))
  })
  .get('/credenciales', async (c) => {
    const t = c.var.t
    // listTokens never reads a secret or its hash
    const rows = (await listTokens(c.var.db)).map((token) => html`<tr><td>${token.name}</td><td>${token.role}</td><td>${token.unitIds.length + token.groupIds.length}</td><td>${when(token.createdAt)}</td><td>${when(token.lastUsedAt)}</td><td>${token.revokedAt ? when(token.revokedAt) : t('no')}</td></tr>`)
    const body = html`<h1>${t('tokensTitle')}</h1><p>${t('tokensHelp')}</p>${table(t('tokensTitle'), [t('name'), t('role'), t('unit'), t('created'), t('lastUsed'), t('revoked')], rows)}`
    return c.html(officePage(c, { title: t('tokensTitle'), body, current: 'tokens' }))
  })
  .get('/auditoria', async (c) => {
    const t = c.var.t
    const raw = Object.fromEntries(['entity', 'actor', 'cursor'].flatMap((key) => { const value = c.req.query(key)?.trim(); return value ? [[key, value]] : [] }))
    const parsed = ListAuditQuerySchema.safeParse(raw)
    const page = parsed.success ? await listAudit(c.var.db, parsed.data) : { items: [], nextCursor: null }
    const rows = page.items.map((entry) => html`<tr><td>${when(entry.at)}</td><td>${entry.actor}</td><td>${entry.action}</td><td>${entry.entity} ${entry.entityId}</td><td><code>${entry.details === null ? '' : JSON.stringify(entry.details)}</code></td></tr>`)
    const next = page.nextCursor ? `/oficina/admin/auditoria?${new URLSearchParams({ ...raw, cursor: page.nextCursor }).toString()}` : null
    const body = html`<h1>${t('auditTitle')}</h1>
<form method="get" action="/oficina/admin/auditoria" class="inline">
<p><label for="a-actor">${t('auditActor')}</label><input id="a-actor" name="actor" value="${raw.actor ?? ''}" maxlength="120"></p>
<p><label for="a-entity">${t('auditEntity')}</label><input id="a-entity" name="entity" value="${raw.entity ?? ''}" maxlength="40"></p>
<p><button type="submit">${t('filterApply')}</button></p></form>
${table(t('auditTitle'), [t('when'), t('who'), t('what'), t('auditEntity'), t('details')], rows)}
${next ? html`<p class="pager"><a rel="next" href="${next}">${t('nextPage')}</a></p>` : ''}`
    return c.html(officePage(c, { title: t('auditTitle'), body, current: 'audit' }))
  })
