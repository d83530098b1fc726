import type { Context } from 'hono'
import { TRANSITIONS } from '../cases/case-transitions.js'
import type { CaseDetail, CaseEventView, CaseEvidenceView } from '../cases/get-case.js'
import type { CaseStatus } from '../db/schema/index.js'
import { type SafeHtml, html } from './html.js'
import { categoryLabels, identityLabel, sectorLabel, statusLabel, when } from './labels.js'
import { csrfField, notice, officePage } from './layout.js'
import type { OfficeEnv } from './office-env.js'
import type { OfficeText } from './strings.js'

export type CasePageData = {
  detail: CaseDetail
  /** people of the case's unit it can be assigned to: value `staff:<id>` / `token:<name>` and a name */
  assignees: { value: string; name: string }[]
  /** open units of the same institution it can be moved to */
  units: { id: string; name: string }[]
  /** 'shown': the citizen agreed; 'chatOnly': agreed but reachable only by the web chat; null: not offered */
  contact: 'offer' | 'chatOnly' | null
}

const DONE_KEYS = new Set(['estado', 'nota', 'asignar', 'trasladar'])
const ERROR_KEYS: Record<string, OfficeText> = { transicion: 'invalidTransition', permiso: 'notAllowed', datos: 'checkForm' }

function actorLabel(c: Context<OfficeEnv>, actor: string): string {
  if (actor === 'citizen') return c.var.t('citizen')
  if (actor === 'system') return c.var.t('system')
  if (actor.startsWith('token:')) return actor.slice('token:'.length)
  if (actor.startsWith('staff:')) return c.var.t('staffChat')
  return actor
}

function eventLabel(c: Context<OfficeEnv>, event: CaseEventView): string {
  if (event.type === 'comment') return c.var.t('eventComment')
  if (event.type === 'assigned') return c.var.t('eventAssigned')
  if (event.type === 'contact.released') return c.var.t('eventReleased')
  if (event.toStatus !== null) return statusLabel(c.var.locale, event.toStatus)
  return event.type
}

function evidenceItem(c: Context<OfficeEnv>, code: string, file: CaseEvidenceView, index: number): SafeHtml {
  const t = c.var.t
  const href = `/oficina/casos/${code}/evidencia/${file.id}`
  const size = `${Math.max(1, Math.round(file.size / 1024))} KB`
  const kind: OfficeText = file.kind === 'image' ? 'image' : file.kind === 'audio' || file.kind === 'voice' ? 'audio' : file.kind === 'video' ? 'video' : 'document'
  const name = `${t(kind)} ${index + 1}`
  const preview =
    kind === 'image' ? html`<img src="${href}" alt="${name}" loading="lazy">`
    : kind === 'audio' ? html`<audio controls preload="none" src="${href}" aria-label="${name}"></audio>`
    : kind === 'video' ? html`<video controls preload="none" src="${href}" aria-label="${name}"></video>`
    : ''
  return html`<li class="evidence-item">${preview}<p><a href="${href}" download>${t('download')} ${name}</a> <span class="meta">${file.mimeType}, ${size}, ${when(new Date(file.receivedAt))}</span></p></li>`
}

function noteList(c: Context<OfficeEnv>, events: CaseEventView[], label: string, id: string): SafeHtml {
  return html`<section aria-labelledby="${id}"><h2 id="${id}">${label}</h2>${
    events.length === 0 ? html`<p>${c.var.t('noNotes')}</p>`
    : html`<ul class="notes">${events.map((event) => html`<li><p class="note">${event.note}</p><p class="meta">${when(event.at)} · ${actorLabel(c, event.actor)}</p></li>`)}</ul>`
  }</section>`
}

/** The case page: facts, masked account, evidence, history, notes apart, and the action forms. */
export async function renderCasePage(c: Context<OfficeEnv>, data: CasePageData): Promise<string> {
  const { t, locale, user } = c.var
  const kase = data.detail
  const category = await categoryLabels(c.var.db, locale)
  const allowed = (to: CaseStatus) => TRANSITIONS[kase.status].includes(to)
  const action = `/oficina/casos/${kase.code}`
  const done = c.req.query('hecho')
  const failed = ERROR_KEYS[c.req.query('error') ?? '']
  const comments = kase.events.filter((event) => event.type === 'comment' && event.note !== null)
  const history = kase.events.filter((event) => event.type !== 'comment')

  const statusForm = (to: CaseStatus, label: OfficeText, noteLabel?: OfficeText, required = false, secondary = false) =>
    allowed(to)
      ? html`<form method="post" action="${action}/estado" class="action">${csrfField(c)}<input type="hidden" name="to" value="${to}"><input type="hidden" name="public" value="1">
${noteLabel ? html`<label for="note-${to}">${t(noteLabel)}</label><textarea id="note-${to}" name="note" rows="2" maxlength="2000"${required ? html` required` : ''}></textarea>` : ''}
<button type="submit"${secondary ? html` class="secondary"` : ''}>${t(label)}</button></form>`
      : ''

  const body = html`<p><a href="/oficina">← ${t('back')}</a></p>
<h1>${t('caseTitle')} <span class="code">${kase.code}</span></h1>
${done && DONE_KEYS.has(done) ? notice('ok', t('done')) : ''}
${failed ? notice('error', html`${t('failed')} ${t(failed)}`) : ''}
<p><span class="status s-${kase.status}">${statusLabel(locale, kase.status)}</span>${kase.urgent ? html` <span class="badge urgent">${t('urgent')}</span>` : ''}</p>
<dl class="facts">
  <dt>${t('category')}</dt><dd>${category(kase.sector, kase.category)} (${sectorLabel(t, kase.sector)})</dd>
  <dt>${t('place')}</dt><dd>${kase.facility}, ${kase.municipality}</dd>
  <dt>${t('unit')}</dt><dd>${kase.unit?.name ?? '—'}${kase.institution ? ` (${kase.institution.name})` : ''}</dd>
  <dt>${t('due')}</dt><dd>${when(kase.dueAt)}</dd>
  <dt>${t('filed')}</dt><dd>${when(kase.createdAt)}</dd>
  <dt>${t('identity')}</dt><dd>${identityLabel(t, kase.identityMode)}${kase.pseudonym ? ` · ${kase.pseudonym}` : ''}</dd>
  <dt>${t('assignee')}</dt><dd>${kase.assignee ? (data.assignees.find((a) => a.value === kase.assignee)?.name ?? actorLabel(c, kase.assignee)) : t('nobody')}</dd>
</dl>
<section aria-labelledby="account-title"><h2 id="account-title">${user.role === 'admin' ? t('descriptionOriginal') : t('description')}</h2>${kase.needsListening ? html`<p><span class="badge listen">${t('listen')}</span> ${t('listenHint')}</p>` : ''}<p class="account">${kase.description}</p></section>
<section aria-labelledby="evidence-title"><h2 id="evidence-title">${t('evidence')}</h2>
${kase.evidence.length === 0 ? html`<p>${t('noEvidence')}</p>` : html`<ul class="evidence">${kase.evidence.map((file, i) => evidenceItem(c, kase.code, file, i))}</ul>`}
</section>
${data.contact ? html`<section aria-labelledby="contact-title" class="contact"><h2 id="contact-title">${t('contact')}</h2>${data.contact === 'chatOnly' ? html`<p>${t('contactChatOnly')}</p>` : html`<p>${t('contactOffer')} <a href="${action}/contacto">${t('contactShow')}</a></p>`}</section>` : ''}
<section aria-labelledby="actions-title" class="actions"><h2 id="actions-title">${t('actions')}</h2>
${statusForm('acknowledged', 'acknowledge')}
${statusForm('in_progress', 'inProgress', undefined, false, true)}
${statusForm('resolved', 'resolve', 'resolveNote')}
${statusForm('rejected', 'reject', 'rejectReason', true, true)}
${statusForm('reopened', 'reopen')}
<form method="post" action="${action}/nota" class="action">${csrfField(c)}
<label for="comment-note">${t('commentNote')}</label><textarea id="comment-note" name="note" rows="2" maxlength="2000" required></textarea>
<label class="check"><input type="checkbox" name="public" value="1"> ${t('commentPublic')}</label>
<button type="submit">${t('comment')}</button></form>
<form method="post" action="${action}/asignar" class="action">${csrfField(c)}
<label for="assignee">${t('assignTo')}</label><select id="assignee" name="assignee"><option value="">${t('nobody')}</option>${data.assignees.map(
    (a) => html`<option value="${a.value}"${a.value === kase.assignee ? html` selected` : ''}>${a.name}</option>`,
  )}</select>
<button type="submit">${t('assign')}</button></form>
${data.units.length === 0 ? html`<p class="hint">${t('reassign')}: ${t('noOtherUnits')}</p>` : html`<form method="post" action="${action}/trasladar" class="action">${csrfField(c)}
<label for="unit">${t('reassignUnit')}</label><select id="unit" name="unitId" required>${data.units.map((unit) => html`<option value="${unit.id}">${unit.name}</option>`)}</select>
<label for="reassign-note">${t('reassignNote')}</label><textarea id="reassign-note" name="note" rows="2" maxlength="2000" required></textarea>
<label class="check"><input type="checkbox" name="public" value="1"> ${t('reassignPublic')}</label>
<button type="submit" class="secondary">${t('reassign')}</button></form>`}
</section>
${noteList(c, comments.filter((event) => event.public), t('publicNotes'), 'public-notes')}
${noteList(c, comments.filter((event) => !event.public), t('internalNotes'), 'internal-notes')}
<section aria-labelledby="history-title"><h2 id="history-title">${t('timeline')}</h2>
<ol class="timeline">${history.map(
    (event) => html`<li><p><strong>${eventLabel(c, event)}</strong> · ${when(event.at)} · ${actorLabel(c, event.actor)}${event.unit ? ` · ${event.unit}` : ''} <span class="tag ${event.public ? 'public' : 'internal'}">${event.public ? t('public') : t('internal')}</span></p>${event.note ? html`<p class="note">${event.note}</p>` : ''}</li>`,
  )}</ol></section>`
  return officePage(c, { title: `${t('caseTitle')} ${kase.code}`, body, current: 'inbox' })
}
