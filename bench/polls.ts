/**
 * Poll delivery at scale, on PGlite in memory:
 *  1. enqueueing invitations for 100,000 subscribers (BENCH_CONTACTS to change it) with the two
 *     INSERT … SELECT statements the opening job uses, against a row-by-row INSERT baseline
 *     measured in the same run (per invitation; median of BENCH_RUNS runs);
 *  2. a paced delivery run: the invitation job starts poll conversations through the real
 *     runtime, and the outbox worker delivers them to a fake channel limited to BENCH_RATE
 *     messages per second; prints the achieved rate against that limit.
 *
 *   npm run bench:polls
 */
import { performance } from 'node:perf_hooks'
import { eq, sql } from 'drizzle-orm'
import type { Channel } from '../src/bot/channel.js'
import { createOutboxWorker } from '../src/bot/outbox.js'
import { createRuntime } from '../src/bot/runtime.js'
import { loadCatalog } from '../src/db/catalog.js'
import { openDatabase, type Db } from '../src/db/client.js'
import { loadReferenceData } from '../src/db/reference/load-reference.js'
import { contacts, outbox, pollInvitations, polls, pollSubscriptions } from '../src/db/schema/index.js'
import { createEffectHandlers } from '../src/flows/effect-handlers.js'
import { flows } from '../src/flows/index.js'
import { sharedLocales } from '../src/i18n/index.js'
import { buildVocabulary } from '../src/bot/engine/index.js'
import { createLogger } from '../src/log.js'
import { writeInvitations } from '../src/polls/open-polls.js'
import { PollDefinitionSchema } from '../src/polls/poll-definition.js'
import { createPoll } from '../src/polls/poll-store.js'
import { resolvePollFlows } from '../src/polls/resolve-poll-flows.js'
import { sendInvitations } from '../src/polls/send-invitations.js'

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000)
const BASELINE_ROWS = Number(process.env.BENCH_BASELINE_ROWS ?? 2_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const RATE = Number(process.env.BENCH_RATE ?? 50)
const DELIVERY_INVITATIONS = Number(process.env.BENCH_DELIVERY ?? 100)
const NOW = new Date('2026-12-01T15:00:00Z')
const MIXCO = '0108'

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN

async function seedSubscribers(db: Db, count: number): Promise<void> {
  for (let start = 0; start < count; start += 5_000) {
    const size = Math.min(5_000, count - start)
    const rows = await db
      .insert(contacts)
      .values(Array.from({ length: size }, (_, i) => ({ channel: 'telegram', channelUserId: `bench-${start + i}` })))
      .returning({ id: contacts.id })
    await db.insert(pollSubscriptions).values(rows.map((row) => ({ contactId: row.id, municipalityCode: MIXCO, subscribedAt: NOW })))
  }
}

async function newPoll(db: Db): Promise<string> {
  const definition = PollDefinitionSchema.parse({
    title: { es: 'Prioridades 2027' },
    questions: [{ id: 'first', kind: 'single', text: { es: '¿Qué primero?' }, options: [{ id: 'water', label: { es: 'Agua' } }, { id: 'roads', label: { es: 'Caminos' } }] }],
    audience: { municipalities: [MIXCO] },
    opensAt: '2026-12-01T08:00:00-06:00',
    closesAt: '2026-12-08T18:00:00-06:00',
    resultsVisibility: 'public',
  })
  const poll = await createPoll(db, definition, NOW)
  await db.update(polls).set({ status: 'open', openedAt: NOW }).where(eq(polls.id, poll.id))
  return poll.id
}

async function main() {
  const database = await openDatabase({ kind: 'pglite' })
  const { db } = database
  await loadReferenceData(db)
  console.log(`seeding ${CONTACTS.toLocaleString('en')} subscribers …`)
  await seedSubscribers(db, CONTACTS)
  const pollId = await newPoll(db)
  const clear = () => db.delete(pollInvitations).where(eq(pollInvitations.pollId, pollId))

  // 1. enqueueing: batched INSERT … SELECT against row-by-row INSERTs
  const batched: number[] = []
  for (let run = 0; run < RUNS; run++) {
    await clear()
    const start = performance.now()
    await db.transaction((tx) => writeInvitations(tx, pollId, { groups: [], municipalities: [MIXCO] }))
    batched.push(performance.now() - start)
  }
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(pollInvitations)
  const sample = await db.select({ contactId: pollSubscriptions.contactId }).from(pollSubscriptions).limit(BASELINE_ROWS)
  const rowByRow: number[] = []
  for (let run = 0; run < RUNS; run++) {
    await clear()
    const start = performance.now()
    await db.transaction(async (tx) => {
      for (const { contactId } of sample) {
        await tx.insert(pollInvitations).values({ pollId, contactId, channel: 'telegram', municipalityCode: MIXCO }).onConflictDoNothing()
      }
    })
    rowByRow.push(performance.now() - start)
  }
  const batchedPerRow = median(batched) / n
  const rowPerRow = median(rowByRow) / sample.length
  console.log(`enqueue ${n.toLocaleString('en')} invitations, batched INSERT … SELECT: ${median(batched).toFixed(0)} ms (median of ${RUNS})`)
  console.log(`row-by-row INSERT baseline: ${(rowPerRow * 1000).toFixed(1)} µs per invitation (${sample.length} rows), ~${((rowPerRow * n) / 1000).toFixed(1)} s for ${n.toLocaleString('en')}`)
  console.log(`ratio row-by-row / batched per invitation: ${(rowPerRow / batchedPerRow).toFixed(1)}x`)

  // 2. a paced delivery run against a fake channel
  await clear()
  await db.transaction((tx) => writeInvitations(tx, pollId, { groups: [], municipalities: [MIXCO] }))
  let delivered = 0
  const fake: Channel = { kind: 'telegram', ratePerSecond: RATE, inlineReplies: false, send: async () => ({ ok: true, externalId: String(++delivered) }) }
  const logger = createLogger('silent')
  const runtime = createRuntime({
    db,
    engine: { t: sharedLocales().t, catalog: await loadCatalog(db), flows, locales: ['es', 'en'], vocabulary: buildVocabulary({ flows, locales: ['es', 'en'], text: sharedLocales().own }), sessionTtlMinutes: 60 },
    handlers: createEffectHandlers(),
    inlineChannels: new Set(),
    defaultLocale: 'es',
    logger,
    resolveFlows: resolvePollFlows,
    now: () => NOW,
  })
  // a window sized so this run queues DELIVERY_INVITATIONS invitations of three messages each
  const pacing = { rates: new Map([['telegram', RATE]]), windowSeconds: (DELIVERY_INVITATIONS * 3) / RATE, maxPerRun: 10_000 }
  const startedAt = performance.now()
  const invited = await db.transaction((tx) => sendInvitations(tx, { now: NOW, startFlow: runtime.startFlow, pacing }))
  const enqueued = performance.now() - startedAt
  const worker = createOutboxWorker({ db, channels: new Map([['telegram', fake]]), logger, pollMs: 1_000, now: () => new Date() })
  const deliveryStart = performance.now()
  while ((await worker.runOnce()) > 0);
  const seconds = (performance.now() - deliveryStart) / 1000
  const [{ pending } = { pending: 0 }] = await db
    .select({ pending: sql<number>`count(*)`.mapWith(Number) })
    .from(outbox)
    .where(eq(outbox.status, 'pending'))
  console.log(`paced run: ${invited.started} invitations started in ${enqueued.toFixed(0)} ms (${(enqueued / Math.max(1, invited.started)).toFixed(1)} ms each), ${delivered} messages delivered in ${seconds.toFixed(2)} s, ${pending} left pending`)
  console.log(`achieved ${(delivered / seconds).toFixed(1)} msg/s against a limit of ${RATE} msg/s: ratio ${(delivered / seconds / RATE).toFixed(3)}`)
  await database.close()
}

await main()
