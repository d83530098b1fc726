import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { cases, media, outbox } from '../../src/db/schema/index.js'
import { TRACKING_CODE, fileWebchatComplaint, testApp, webchatContactKey, webchatConversation, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { metadataOf, phonePhoto } from '../support/photo.js'


describe.each(databaseKinds)('a complaint through the web chat on %s', (kind) => {
  let database: Database
  let composed: Composed
  let adminToken: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    adminToken = (await createToken(database.db, { name: 'test admin', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const fileComplaint = (conversationId: string, photo?: Buffer) =>
    fileWebchatComplaint(composed.app, conversationId, {
      description: 'Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.',
      identity: /confidencial/i,
      photo,
    })

  it('gives a tracking code and the case appears routed to the health area in the admin API', async () => {
    const { code } = await fileComplaint('conversation-alpha')

    const list = await composed.app.request('/api/v1/cases?sector=health', { headers: { authorization: `Bearer ${adminToken}` } })
    expect(list.status).toBe(200)
    const { items } = (await list.json()) as { items: { code: string; status: string; municipalityCode: string }[] }
    expect(items.find((item) => item.code === code)).toMatchObject({ status: 'routed', municipalityCode: '0108' })

    const one = await composed.app.request(`/api/v1/cases/${code}`, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(one.status).toBe(200)
    const body = await one.text()
    expect(body).toContain('Guatemala Nor Occidente')
    expect(body).not.toContain('conversation-alpha')
  })

  it('tells the citizen of a confidential complaint how to let the office contact them later', async () => {
    const { code, chat } = await fileComplaint('conversation-zeta')
    expect(chat.text()).toContain(`compartir mis datos ${code}`)
  })

  it('answers the status of the code in the same chat', async () => {
    const { code, chat } = await fileComplaint('conversation-beta')
    await chat.say(`estado ${code.toLowerCase()}`)
    expect(chat.text()).toContain(code)
    expect(chat.text()).toContain('Guatemala Nor Occidente')
  })

  it('keeps a photo attached in the web chat as evidence of the case, without its metadata', async () => {
    const photo = await phonePhoto()
    const { code } = await fileComplaint('conversation-epsilon', photo)
    const [row] = await database.db
      .select({ content: media.content, kind: media.kind, channel: media.channel })
      .from(media)
      .innerJoin(cases, eq(cases.id, media.caseId))
      .where(eq(cases.code, code))
    expect(row).toMatchObject({ kind: 'image', channel: 'webchat' })
    expect(await metadataOf(row?.content ?? Buffer.alloc(0))).toMatchObject({ format: 'jpeg', exif: false, xmp: false })
  })

  it('places a shared location in its municipality and asks the citizen to confirm it', async () => {
    const chat = webchatConversation(composed.app, 'conversation-delta')
    await chat.say('hola')
    await chat.press(/queja/i)
    await chat.press(/^salud/i)
    await chat.press(/medicamentos/i)
    await chat.share(14.64076, -90.58728)
    expect(chat.text()).toMatch(/Mixco/)
    expect(chat.choices()).toEqual(expect.arrayContaining([expect.stringMatching(/^s[ií]/i)]))
  })

  it('refuses the admin API without a token or with a wrong one, showing no data', async () => {
    const anonymous = await composed.app.request('/api/v1/cases')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json')
    expect(await anonymous.json()).toMatchObject({ status: 401, title: 'Unauthorized' })

    const wrong = await composed.app.request('/api/v1/cases', { headers: { authorization: 'Bearer dlg_not-a-token' } })
    expect(wrong.status).toBe(401)

    const observatory = (await createToken(database.db, { name: 'obs', role: 'observatory' })).token
    const forbidden = await composed.app.request('/api/v1/cases', { headers: { authorization: `Bearer ${observatory}` } })
    expect(forbidden.status).toBe(403)
    expect(await forbidden.text()).not.toMatch(TRACKING_CODE)
  })

  it('answers a bad web chat request with a problem document naming the field', async () => {
    const response = await composed.app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'x', messageId: 'message-1', text: 'hola' }),
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect((await response.json()) as { detail: string }).toMatchObject({ detail: expect.stringContaining('conversationId') })
  })

  it('hands a later message to the page once, when it polls', async () => {
    const chat = webchatConversation(composed.app, 'conversation-gamma')
    await chat.say('hola')
    await database.db
      .insert(outbox)
      .values({ channel: 'webchat', address: await webchatContactKey(database, 'conversation-gamma'), body: { text: 'Su caso fue atendido' }, nextAttemptAt: new Date(Date.now() - 1000) })
    await composed.outbox.runOnce()
    const poll = async () =>
      (await composed.app.request('/webchat/messages', { headers: { 'x-conversation-id': webchatSecret('conversation-gamma') } })).json()
    expect(await poll()).toEqual({ replies: [{ text: 'Su caso fue atendido' }], locale: 'es' })
    expect(await poll()).toEqual({ replies: [] })
    // the id in the query string still works, for clients written before the header
    const byQuery = await composed.app.request(`/webchat/messages?conversationId=${webchatSecret('conversation-gamma')}`)
    expect(await byQuery.json()).toEqual({ replies: [] })
  })

  it('names the conversation\'s language in its answers, so the page speaks it too', async () => {
    const post = async (text: string, n: number) =>
      (await composed.app.request('/webchat/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: webchatSecret('conversation-locale'), messageId: `locale-message-${n}`, text }),
      })).json()
    expect(await post('hola', 1)).toMatchObject({ locale: 'es' })
    expect(await post('idioma en', 2)).toMatchObject({ locale: 'en' })
    const page = await (await composed.app.request('/')).text()
    expect(page).toMatch(/<meta name="dialogo-media-max-bytes" content="\d+">/)
  })

  it('reports the database kind, that it answers, and the channels on /health', async () => {
    const response = await composed.app.request('/health')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', database: { kind, state: 'ok' }, channels: { webchat: { state: 'ok' } } })
  })
})
