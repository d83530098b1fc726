import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createTranslate } from '../../src/i18n/index.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { createGroup } from '../../src/polls/groups.js'
import { pollJobs, pollPacing } from '../../src/polls/poll-jobs.js'
import { createPoll } from '../../src/polls/poll-store.js'
import { pollProgress } from '../../src/polls/poll-progress.js'
import { testApp, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { httpFrom } from '../support/http-from.js'
import { samplePoll } from './fixtures.js'
import { type Served, serveOnLoopback } from '../support/serve-app.js'

const t = createTranslate()
const RepliesSchema = z.object({ replies: z.array(z.object({ text: z.string() })) })

describe.each(databaseKinds)('one web chat client playing many members, on %s', (kind) => {
  let database: Database
  let app: Composed
  let server: Served | undefined
  let base = ''
  let counter = 0
  const clock = new Date('2026-12-02T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    server = await serveOnLoopback(app.app)
    base = server.url
  })
  afterAll(async () => {
    await server?.close()
    await database.close()
  })

  const say = async (from: string, conversation: string, text: string) => {
    counter++
    const answer = await httpFrom(from, `${base}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: webchatSecret(conversation), messageId: `member-${counter}-message`, text }),
    })
    return RepliesSchema.parse(JSON.parse(answer.text)).replies.map((reply) => reply.text).join('\n')
  }

  it('lets one address join a group 20 times an hour, and another address still join', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    for (let i = 0; i < 20; i++) expect(await say('127.0.0.2', `script-member-${i}-conversation`, `unirme ${group.inviteCode}`)).toContain('Mesa de Mixco')
    expect(await say('127.0.0.2', 'script-member-20-conversation', `unirme ${group.inviteCode}`)).toBe(t('es', 'pollJoin.limited'))
    expect(await say('127.0.0.3', 'neighbour-member-conversation', `unirme ${group.inviteCode}`)).toContain('Mesa de Mixco')
  })

  it('takes at most 20 ballots of one poll an hour from one address, storing nothing past them', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Villa Nueva' }, clock)
    // 21 members, joined from several networks, then all answering from one
    for (let i = 0; i < 21; i++) await say(`127.0.1.${10 + (i % 3)}`, `ballot-member-${i}-conversation`, `unirme ${group.inviteCode}`)
    const definition = samplePoll({
      audience: { groups: [group.id], municipalities: [] },
      opensAt: '2026-12-02T08:00:00-06:00',
      remindAt: undefined,
      questions: [{ id: 'q', kind: 'single', text: { es: '¿Mercado nuevo?' }, options: [{ id: 'si', label: { es: 'Sí' } }, { id: 'no', label: { es: 'No' } }] }],
    })
    const poll = await createPoll(database.db, definition, clock)
    const invite = pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock }).find((job) => job.name === 'polls.invite')
    if (!invite) throw new Error('no invite job')
    await runJobOnce(database.db, invite, new Date(Date.UTC(2026, 0, 1, 0, 1)))
    const answers: string[] = []
    for (let i = 0; i < 21; i++) answers.push(await say('127.0.0.4', `ballot-member-${i}-conversation`, 'sí'))
    expect(answers.slice(0, 20).every((text) => text.includes(t('es', 'polls.doneWithResults')))).toBe(true)
    expect(answers[20]).toBe(t('es', 'polls.limited'))
    expect(await pollProgress(database.db, poll.id, clock)).toMatchObject({ invited: 21, completed: 20 })
  })
})
