import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import { followUpJob } from '../../src/cases/follow-up-job.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { sendDigests } from '../../src/staff/digest-job.js'
import { caseRow, unitId } from '../cases/case-fixture.js'
import { fileWebchatComplaint, testApp, webchatConversation, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const DESCRIPTION = 'Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.'
const DAY_MS = 86_400_000

/** 10:00 in Guatemala (16:00 UTC) `days` after `from`: follow-up questions go out only in the day. */
function dayTime(from: Date, days: number, hourUtc = 16): Date {
  const day = new Date(from.getTime() + days * DAY_MS)
  day.setUTCHours(hourUtc, 0, 0, 0)
  return day
}

describe.each(databaseKinds)('staff in the web chat on %s', (kind) => {
  let database: Database
  let composed: Composed
  let adminToken: string
  let norOccidente: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    adminToken = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
  })
  afterAll(async () => {
    await database.close()
  })

  const api = (token: string, method: string, path: string, body?: unknown) =>
    composed.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const linkCode = async (unitIds: string[]) => {
    const response = await api(adminToken, 'POST', '/api/v1/staff/link-codes', { unitIds })
    expect(response.status).toBe(201)
    return ((await response.json()) as { code: string }).code
  }
  /** what the page of a conversation gets when it polls, after the outbox delivered */
  const delivered = async (conversationId: string) => {
    await composed.outbox.runOnce()
    const response = await composed.app.request(`/webchat/messages?conversationId=${webchatSecret(conversationId)}`)
    const { replies } = (await response.json()) as { replies: { text: string }[] }
    return replies.map((reply) => reply.text).join('\n')
  }
  const fileComplaint = (conversationId: string) =>
    fileWebchatComplaint(composed.app, conversationId, { description: DESCRIPTION, identity: /confidencial/i })

  it('links a staff chat with a one-time code, alerts it of a new case without the citizen, and lets it acknowledge', async () => {
    const staff = webchatConversation(composed.app, 'staff-ana')
    const code = await linkCode([norOccidente])
    await staff.say(`vincular ${code.toLowerCase()}`)
    expect(staff.text()).toContain('Dirección de Área de Salud Guatemala Nor Occidente')
    await staff.say(`vincular ${code}`)
    expect(staff.text()).toContain('no es válido o ya venció')

    const complaint = await fileComplaint('citizen-rosa')
    const alert = await delivered('staff-ana')
    expect(alert).toContain(`Caso nuevo ${complaint.code}`)
    expect(alert).toContain('Mixco')
    expect(alert).not.toContain('citizen-rosa')
    expect(alert).not.toContain('amoxicilina')

    await staff.say(`caso ${complaint.code}`)
    expect(staff.text()).toContain(`Caso ${complaint.code} (enviado a la institución)`)
    expect(staff.text()).not.toContain('amoxicilina')

    await staff.say(`acuso ${complaint.code}`)
    expect(staff.text()).toContain('quedó como visto')
    expect((await caseRow(database, complaint.code)).status).toBe('acknowledged')
    expect(await delivered('citizen-rosa')).toContain(`Novedades de su caso ${complaint.code}`)
  })

  it("tells a staff chat that another unit's case is not theirs, and a citizen's chat that it is not linked", async () => {
    const ixilStaff = webchatConversation(composed.app, 'staff-ixil')
    await ixilStaff.say(`vincular ${await linkCode([await unitId(database, 'MSPAS-DAS-IXIL')])}`)
    const { code } = await fileComplaint('citizen-pedro')
    await ixilStaff.say(`acuso ${code}`)
    expect(ixilStaff.text()).toContain('No encontré ese caso entre los de su oficina')
    expect((await caseRow(database, code)).status).toBe('routed')

    const citizen = webchatConversation(composed.app, 'citizen-curious')
    await citizen.say(`caso ${code}`)
    expect(citizen.text()).toContain('no está vinculado')
  })

  it('sends each linked chat a digest of counts, at most once a day', async () => {
    const morning = dayTime(new Date(), 0, 13)
    expect(await database.db.transaction((tx) => sendDigests(tx, morning))).toBeGreaterThan(0)
    const digest = await delivered('staff-ana')
    expect(digest).toMatch(/Resumen del día para Dirección de Área de Salud Guatemala Nor Occidente \(Ministerio de Salud Pública y Asistencia Social\): \d+ casos? nuevos?/)
    expect(digest).not.toMatch(/\b1 casos\b/)
    // a rerun the same day (by hand, a second instance) sends nothing
    expect(await database.db.transaction((tx) => sendDigests(tx, new Date(morning.getTime() + 3_600_000)))).toBe(0)
    expect(await delivered('staff-ana')).toBe('')
    expect(await database.db.transaction((tx) => sendDigests(tx, new Date(morning.getTime() + DAY_MS)))).toBeGreaterThan(0)
  })

  it('asks two weeks after resolution whether it was solved, records the "no", reopens the case and alerts the unit', async () => {
    const { code, chat: citizen } = await fileComplaint('citizen-lucia')
    const resolvedAt = new Date()
    const resolved = await api(adminToken, 'POST', `/api/v1/cases/${code}/transition`, { to: 'resolved', note: 'Ya hay amoxicilina' })
    expect(resolved.status).toBe(200)
    await delivered('citizen-lucia')
    await delivered('staff-ana')

    const job = followUpJob({ startFlow: composed.runtime.startFlow, days: 14 })
    await runJobOnce(database.db, job, dayTime(resolvedAt, 13))
    expect(await delivered('citizen-lucia')).toBe('')
    // at night nobody is asked, even when the job is run
    await runJobOnce(database.db, job, dayTime(resolvedAt, 15, 9))
    expect(await delivered('citizen-lucia')).toBe('')
    await runJobOnce(database.db, job, dayTime(resolvedAt, 15))
    expect(await delivered('citizen-lucia')).toContain('¿Se resolvió su problema?')

    await citizen.say('no')
    expect(citizen.text()).toContain(`Abrimos de nuevo su caso ${code}`)
    expect(await caseRow(database, code)).toMatchObject({ status: 'reopened', followUpAnswer: 'no' })
    expect(await delivered('staff-ana')).toContain(`El caso ${code} (Falta de medicamentos o insumos, Mixco) se abrió de nuevo`)

    // asked once per resolution
    await runJobOnce(database.db, job, dayTime(resolvedAt, 16))
    expect(await delivered('citizen-lucia')).toBe('')
  })

  it('records a "yes" to "was it solved?", and a question left unanswered for a week as no answer', async () => {
    const job = followUpJob({ startFlow: composed.runtime.startFlow, days: 14 })
    const answered = await fileComplaint('citizen-julia')
    const silent = await fileComplaint('citizen-ines')
    const resolvedAt = new Date()
    for (const { code } of [answered, silent]) expect((await api(adminToken, 'POST', `/api/v1/cases/${code}/transition`, { to: 'resolved' })).status).toBe(200)
    // later slots than the tests before, which ran this job already
    await runJobOnce(database.db, job, dayTime(resolvedAt, 20))
    await answered.chat.say('sí')
    expect(await caseRow(database, answered.code)).toMatchObject({ status: 'resolved', followUpAnswer: 'yes' })
    expect((await caseRow(database, silent.code)).followUpAnswer).toBeNull()
    await runJobOnce(database.db, job, dayTime(resolvedAt, 28))
    expect((await caseRow(database, silent.code)).followUpAnswer).toBe('none')
    expect((await caseRow(database, answered.code)).followUpAnswer).toBe('yes')
  })

  it('does not interrupt a citizen in the middle of another conversation, and asks on a later run', async () => {
    const { code, chat: citizen } = await fileComplaint('citizen-marta')
    const resolvedAt = new Date()
    await api(adminToken, 'POST', `/api/v1/cases/${code}/transition`, { to: 'resolved' })
    await delivered('citizen-marta')
    await citizen.say('hola')
    await citizen.press(/queja/i)

    const job = followUpJob({ startFlow: composed.runtime.startFlow, days: 14 })
    // later slots than the test before, which ran this job already
    expect(await runJobOnce(database.db, job, dayTime(resolvedAt, 30))).toBe('ran')
    expect(await delivered('citizen-marta')).toBe('')
    expect((await caseRow(database, code)).followUpAskedAt).toBeNull()

    await citizen.say('cancelar')
    expect(await runJobOnce(database.db, job, dayTime(resolvedAt, 31))).toBe('ran')
    expect(await delivered('citizen-marta')).toContain('¿Se resolvió su problema?')
  })

  it('lists staff links, revokes them within the token\'s units, and keeps chat actions in the audit log', async () => {
    const staff = webchatConversation(composed.app, 'staff-beto')
    await staff.say(`vincular ${await linkCode([norOccidente])}`)
    const { code } = await fileComplaint('citizen-audit')
    await staff.say(`acuso ${code}`)
    await staff.say(`caso ${code}`)

    const links = (await (await api(adminToken, 'GET', `/api/v1/staff/links?unitId=${norOccidente}`)).json()) as { items: { contactId: string; unitId: string }[] }
    expect(links.items.length).toBeGreaterThanOrEqual(2)
    const beto = links.items[0]
    if (!beto) throw new Error('no link listed')
    expect(JSON.stringify(links)).not.toContain(webchatSecret('staff-beto'))

    // the chat's link code, acknowledgement and reading are audited under staff:<contactId>
    const audit = (await (await api(adminToken, 'GET', `/api/v1/audit?actor=staff:${beto.contactId}`)).json()) as { items: { action: string; entityId: string }[] }
    expect(audit.items.map((entry) => entry.action).sort()).toEqual(['link', 'read', 'transition'])
    // the actor filter is a prefix: every staff action
    const anyStaff = (await (await api(adminToken, 'GET', '/api/v1/audit?actor=staff:')).json()) as { items: unknown[] }
    expect(anyStaff.items.length).toBeGreaterThanOrEqual(3)

    const ixilToken = (await createToken(database.db, { name: 'das-ixil-links', role: 'institution', unitIds: [await unitId(database, 'MSPAS-DAS-IXIL')] })).token
    expect((await api(ixilToken, 'DELETE', `/api/v1/staff/links/${beto.contactId}`)).status).toBe(404)
    // an Ixil token sees Ixil's chats only
    const ixilLinks = ((await (await api(ixilToken, 'GET', '/api/v1/staff/links')).json()) as { items: { contactId: string; unitId: string }[] }).items
    expect(ixilLinks.some((link) => link.contactId === beto.contactId || link.unitId === norOccidente)).toBe(false)
    const revoked = await api(adminToken, 'DELETE', `/api/v1/staff/links/${beto.contactId}?unitId=${norOccidente}`)
    expect(revoked.status).toBe(200)
    await staff.say(`caso ${code}`)
    expect(staff.text()).toContain('no está vinculado')
  })

  it('refuses link codes for units outside an institution token, and to other roles', async () => {
    const ixil = await unitId(database, 'MSPAS-DAS-IXIL')
    const institution = (await createToken(database.db, { name: 'das', role: 'institution', unitIds: [norOccidente] })).token
    expect((await api(institution, 'POST', '/api/v1/staff/link-codes', { unitIds: [norOccidente] })).status).toBe(201)
    expect((await api(institution, 'POST', '/api/v1/staff/link-codes', { unitIds: [ixil] })).status).toBe(403)
    const observatory = (await createToken(database.db, { name: 'obs', role: 'observatory' })).token
    expect((await api(observatory, 'POST', '/api/v1/staff/link-codes', { unitIds: [norOccidente] })).status).toBe(403)
  })
})
