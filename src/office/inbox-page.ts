import type { Context } from 'hono'
import { ListCasesQuerySchema } from '../api/case-routes.js'
import { inScope } from '../cases/case-ref.js'
import { OPEN_STATUSES } from '../cases/case-transitions.js'
import { type CaseSummary, type ListCasesOptions, listCases } from '../cases/list-cases.js'
import { CASE_STATUSES, SECTORS } from '../db/schema/index.js'
import { type SafeHtml, html } from './html.js'
import { categoryLabels, countByStatus, sectorLabel, statusLabel, when } from './labels.js'
import { notice, officePage } from './layout.js'
import type { OfficeEnv } from './office-env.js'

const PAGE_SIZE = 25
const ATTENTION_SIZE = 20
// the list's filters a page may carry; `format` (CSV) and `limit` stay the API's
const FILTER_KEYS = ['status', 'sector', 'category', 'department', 'municipality', 'from', 'to', 'overdue', 'urgent', 'assignee', 'q', 'unitId', 'cursor', 'limit', 'needsListening'] as const

/** The filters of the address, as the API would read them: empty fields dropped, `mine` as the user's own name. */
function filtersOf(c: Context<OfficeEnv>): Record<string, string> {
  const query: Record<string, string> = {}
  for (const key of FILTER_KEYS) {
    const value = c.req.query(key)?.trim()
    if (value) query[key] = value
  }
  if (c.req.query('mine') === '1') query.assignee = c.var.user.actorName
  return query
}

function isOverdue(item: CaseSummary, now: Date): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(item.status) && item.dueAt !== null && item.dueAt <= now
}

/** The inbox: counts by status, what needs attention first, the filter form and a page of cases. */
export async function inboxPage(c: Context<OfficeEnv>): Promise<Response> {
  const { t, locale, user, db } = c.var
  const now = c.var.now()
  const raw = filtersOf(c)
  const parsed = ListCasesQuerySchema.safeParse({ limit: String(PAGE_SIZE), ...raw })
  const category = await categoryLabels(db, locale)
  const counts = await countByStatus(db, user.scope)

  let items: CaseSummary[] = []
  let nextCursor: string | null = null
  let attention: CaseSummary[] = []
  let problem: SafeHtml | string = ''
  if (parsed.success) {
    const { unitId, ...query } = parsed.data
    // the same scope the API applies to the same token: a unit outside it matches nothing
    const wanted = unitId === undefined ? user.scope : inScope(user.scope, unitId) ? [unitId] : []
    const options: ListCasesOptions = { ...query, ...(wanted === null ? {} : { unitIds: wanted }), text: user.role === 'admin' ? 'original' : 'masked', now }
    const page = await listCases(db, options)
    items = page.items
    nextCursor = page.nextCursor
    const filtered = Object.keys(raw).length > 0
    if (!filtered) {
      const base = { ...(wanted === null ? {} : { unitIds: wanted }), text: options.text, now }
      const overdue = await listCases(db, { ...base, overdue: true, limit: ATTENTION_SIZE })
      const urgent = await listCases(db, { ...base, urgent: true, overdue: false, limit: ATTENTION_SIZE * 2 })
      const urgentOpen = urgent.items.filter((item) => (OPEN_STATUSES as readonly string[]).includes(item.status))
      attention = [...overdue.items, ...urgentOpen].slice(0, ATTENTION_SIZE)
    }
  } else {
    problem = notice('error', html`${t('filterInvalid')} ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`)
  }

  const row = (item: CaseSummary) => html`<li class="case${isOverdue(item, now) ? ' is-overdue' : ''}">
  <a href="/oficina/casos/${item.code}"><span class="code">${item.code}</span> <span class="status s-${item.status}">${statusLabel(locale, item.status)}</span>${isOverdue(item, now) ? html` <span class="badge overdue">${t('overdue')}</span>` : ''}${item.urgent ? html` <span class="badge urgent">${t('urgent')}</span>` : ''}${item.needsListening ? html` <span class="badge listen">${t('listen')}</span>` : ''}</a>
  <span class="what">${category(item.sector, item.category)} · ${item.municipality}</span>
  <span class="meta">${t('due')}: ${when(item.dueAt)} · ${t('filed')}: ${when(item.createdAt)}${item.unit ? ` · ${item.unit}` : ''}${item.assignee ? ` · ${t('assignee')}: ${item.assignee.startsWith('token:') ? item.assignee.slice(6) : t('staffChat')}` : ''}</span>
</li>`
  const list = (cases: CaseSummary[], label: string) =>
    cases.length === 0 ? html`<p>${t('noCases')}</p>` : html`<ul class="cases" aria-label="${label}">${cases.map(row)}</ul>`

  const selected = (name: string, value: string) => (raw[name] === value ? html` selected` : '')
  const checked = (on: boolean) => (on ? html` checked` : '')
  const filterForm = html`<details class="filters"${Object.keys(raw).length > 0 ? html` open` : ''}>
<summary>${t('filters')}</summary>
<form method="get" action="/oficina" role="search">
  <div class="grid">
  <p><label for="f-status">${t('filterStatus')}</label>
  <select id="f-status" name="status"><option value="">${t('filterAny')}</option>${CASE_STATUSES.map((status) => html`<option value="${status}"${selected('status', status)}>${statusLabel(locale, status)}</option>`)}</select></p>
  <p><label for="f-sector">${t('filterSector')}</label>
  <select id="f-sector" name="sector"><option value="">${t('filterAny')}</option>${SECTORS.map((sector) => html`<option value="${sector}"${selected('sector', sector)}>${sectorLabel(t, sector)}</option>`)}</select></p>
  <p><label for="f-q">${t('filterQ')}</label><input id="f-q" name="q" type="search" value="${raw.q ?? ''}" maxlength="100"></p>
  <p><label for="f-department">${t('filterDepartment')}</label><input id="f-department" name="department" value="${raw.department ?? ''}" inputmode="numeric" maxlength="2"></p>
  <p><label for="f-from">${t('filterFrom')}</label><input id="f-from" name="from" type="date" value="${raw.from ?? ''}"></p>
  <p><label for="f-to">${t('filterTo')}</label><input id="f-to" name="to" type="date" value="${raw.to ?? ''}"></p>
  </div>
  <p class="checks"><label><input type="checkbox" name="overdue" value="true"${checked(raw.overdue === 'true')}> ${t('filterOverdue')}</label>
  <label><input type="checkbox" name="urgent" value="true"${checked(raw.urgent === 'true')}> ${t('filterUrgent')}</label>
  <label><input type="checkbox" name="mine" value="1"${checked(c.req.query('mine') === '1')}> ${t('filterMine')}</label>
  <label><input type="checkbox" name="needsListening" value="true"${checked(raw.needsListening === 'true')}> ${t('filterListen')}</label></p>
  <p><button type="submit">${t('filterApply')}</button> <a href="/oficina">${t('filterClear')}</a></p>
</form>
</details>`

  const countsList = html`<ul class="counts">${CASE_STATUSES.filter((status) => (counts.get(status) ?? 0) > 0).map(
    (status) => html`<li><a href="/oficina?status=${status}"><span class="n">${counts.get(status) ?? 0}</span> ${statusLabel(locale, status)}</a></li>`,
  )}</ul>`

  const nextHref = () => {
    const params = new URLSearchParams(Object.entries(raw).filter(([key]) => key !== 'cursor' && !(key === 'assignee' && c.req.query('mine') === '1')))
    if (c.req.query('mine') === '1') params.set('mine', '1')
    if (nextCursor) params.set('cursor', nextCursor)
    return `/oficina?${params.toString()}`
  }
  const body = html`<h1>${t('inbox')}</h1>
${problem}
<section aria-labelledby="counts-title"><h2 id="counts-title" class="small">${t('counts')}</h2>${countsList}</section>
${filterForm}
${attention.length > 0 ? html`<section aria-labelledby="attention-title" class="attention"><h2 id="attention-title">${t('attention')}</h2><p class="hint">${t('attentionHelp')}</p>${list(attention, t('attention'))}</section>` : ''}
<section aria-labelledby="cases-title"><h2 id="cases-title">${t('allCases')}</h2>
${list(items, t('allCases'))}
<p class="pager">${nextCursor ? html`<a href="${nextHref()}" rel="next">${t('nextPage')}</a>` : ''}${raw.cursor ? html` <a href="/oficina">${t('firstPage')}</a>` : ''}</p>
</section>`
  return c.html(officePage(c, { title: t('inbox'), body, current: 'inbox' }), parsed.success ? 200 : 400)
}
