/**
 * Telegram reply latency (issue 18): the time from an update POSTed to `/webhooks/telegram` until
 * the first `sendMessage` for that chat reaches a fake Bot API (test/support/fake-bot-api.ts), over
 * BENCH_UPDATES updates (50), each a "hola" from a new chat so per-chat pacing never waits, with
 * OUTBOX_POLL_MS 1000. The app is composed in-process, in webhook mode, and served by
 * @hono/node-server on 127.0.0.1.
 *  - measured: the composed outbox worker, which the runtime wakes when a transaction that queued
 *    replies commits;
 *  - baseline, same run, same app: the composed worker left stopped (so the runtime's wake finds
 *    nothing to wake) and a second worker made with createOutboxWorker over the same channels,
 *    which nothing wakes: delivery by polling alone.
 * Updates arrive after a random pause of up to one poll interval (BENCH_GAP_MS, 1000; seeded, so
 * every run and both modes see the same pauses), as real traffic falls anywhere in the poll cycle.
 * Runs on PostgreSQL (a fresh database on BENCH_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/postgres) and on PGlite in memory.
 *
 *   npm run bench:telegram-latency
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { compose } from '../src/compose.js'
import { createOutboxWorker } from '../src/bot/outbox.js'
import { type Database, openDatabase } from '../src/db/client.js'
import { createLogger } from '../src/log.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../test/support/fake-bot-api.js'
import { createScratchDatabase, ms, percentile, serveOnLoopback } from './loopback-app.js'

const UPDATES = Number(process.env.BENCH_UPDATES ?? 50)
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 1000)
const POLL_MS = 1000
const SECRET = 'bench-webhook-secret'
/** a reply that has not arrived by then is counted as lost, so the run always ends */
const GIVE_UP_MS = 10_000

/** A small deterministic generator (LCG), so both modes wait the same pauses. */
function pauses(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return (state / 2_147_483_648) * GAP_MS
  }
}

function update(updateId: number, chat: number) {
  const from = { id: chat, is_bot: false, first_name: 'Ana', language_code: 'es' }
  return { update_id: updateId, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from, text: 'hola' } }
}

/** The time from the first byte of the POST until the first message for `chat` reached the fake. */
async function timeUpdate(url: string, fake: FakeBotApi, updateId: number, chat: number): Promise<{ reply: number | null; answered: number }> {
  const start = performance.now()
  const arrived = fake.until(() => (fake.sent.some((message) => message.chatId === String(chat)) ? performance.now() : undefined))
  const response = await fetch(`${url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update(updateId, chat)),
  })
  const answered = performance.now() - start
  if (response.status !== 200) throw new Error(`the webhook answered ${response.status}`)
  await response.arrayBuffer()
  const at = await Promise.race([arrived, sleep(GIVE_UP_MS, null)])
  return { reply: at === null ? null : at - start, answered }
}

type Mode = { replies: number[]; answers: number[]; lost: number }

async function measure(kind: string, database: Database): Promise<void> {
  const fake = await startFakeBotApi()
  const logger = createLogger('silent')
  const composed = await compose({
    database,
    config: {
      SEED_FILE: './seed/directory.json',
      SESSION_TTL_MINUTES: 60,
      DEFAULT_LOCALE: 'es',
      OUTBOX_POLL_MS: POLL_MS,
      RETENTION_DAYS: 180,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    logger,
  })
  const telegram = composed.channels.get('telegram')
  await telegram?.start?.(composed.runtime.handle)
  const served = await serveOnLoopback(composed.app)
  let nextUpdate = 1000
  let nextChat = 710_000_001
  const run = async (): Promise<Mode> => {
    const mode: Mode = { replies: [], answers: [], lost: 0 }
    const pause = pauses(18)
    for (let i = 0; i < UPDATES; i++) {
      await sleep(pause())
      const { reply, answered } = await timeUpdate(served.url, fake, nextUpdate++, nextChat++)
      mode.answers.push(answered)
      if (reply === null) mode.lost++
      else mode.replies.push(reply)
    }
    return mode
  }
  try {
    // one update first, untimed: the first request compiles and caches
    composed.outbox.start()
    await timeUpdate(served.url, fake, nextUpdate++, nextChat++)
    const woken = await run()
    await composed.outbox.stop()
    const polling = createOutboxWorker({ db: database.db, channels: composed.channels, logger, pollMs: POLL_MS })
    polling.start()
    const polled = await run()
    await polling.stop()
    const line = (label: string, mode: Mode) =>
      `  ${label}: first reply median ${ms(percentile(mode.replies, 0.5))}, worst ${ms(percentile(mode.replies, 1))}` +
      ` (webhook answered in ${ms(percentile(mode.answers, 0.5))} median)${mode.lost > 0 ? `; ${mode.lost} never arrived` : ''}`
    console.log(`${kind}, ${UPDATES} updates, OUTBOX_POLL_MS ${POLL_MS}:`)
    console.log(line('outbox woken on commit', woken))
    console.log(line('baseline, polling only ', polled))
    const ratio = percentile(polled.replies, 0.5) / percentile(woken.replies, 0.5)
    console.log(`  ratio baseline ÷ woken, medians: ${ratio.toFixed(1)}x (target: woken median < 50 ms)`)
  } finally {
    await served.close()
    await telegram?.stop?.()
    await fake.close()
  }
}

async function main() {
  console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  const scratch = await createScratchDatabase('telegram')
  try {
    const database = await openDatabase({ kind: 'postgres', url: scratch.url })
    try {
      await measure('PostgreSQL', database)
    } finally {
      await database.close()
    }
  } finally {
    await scratch.drop()
  }
  const pglite = await openDatabase({ kind: 'pglite' })
  try {
    await measure('PGlite (in memory)', pglite)
  } finally {
    await pglite.close()
  }
}

await main()
