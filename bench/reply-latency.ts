/**
 * First-reply latency (issue 18): from an inbound message handed to the app until the first send
 * call for that contact reaches the platform's fake, for
 *  - a Telegram update POSTed to `/webhooks/telegram` (fake Bot API: test/support/fake-bot-api.ts),
 *  - a Telegram update taken by long polling (the fake answers a waiting getUpdates at once),
 *  - a WhatsApp Cloud webhook POSTed to `/webhooks/whatsapp`, signed (fake Graph API:
 *    test/bot/whatsapp-cloud/fake-graph-api.ts),
 * each a "hola" from a new contact (so per-chat pacing never waits), BENCH_UPDATES of them (30),
 * after a random pause of up to one poll interval (BENCH_GAP_MS, 1000; seeded, the same in every
 * mode), with OUTBOX_POLL_MS 1000. Modes, in the same run and app:
 *  - woken: the composed outbox worker, which the runtime wakes when a transaction that queued
 *    replies commits;
 *  - another instance (PostgreSQL, webhooks): this app's worker stopped, and a second app on its
 *    own connection pool delivers, woken by the outbox trigger's NOTIFY (src/bot/outbox-wake.ts);
 *  - baseline: this app's worker stopped and a plain createOutboxWorker over the same channels,
 *    which nothing wakes: delivery by polling alone.
 * Runs on PostgreSQL (a fresh database on BENCH_DATABASE_URL, else the local default) and on
 * PGlite in memory. A reply that has not arrived after 10 s counts as lost, so the run always ends.
 *
 *   npm run bench:latency
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ChannelConfig } from '../src/bot/create-channels.js'
import { createOutboxWorker } from '../src/bot/outbox.js'
import { type Composed, compose } from '../src/compose.js'
import { type Database, openDatabase } from '../src/db/client.js'
import { createLogger } from '../src/log.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../test/support/fake-bot-api.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi, signedPost } from '../test/bot/whatsapp-cloud/fake-graph-api.js'
import { createScratchDatabase, ms, percentile, serveOnLoopback } from './loopback-app.js'

const UPDATES = Number(process.env.BENCH_UPDATES ?? 30)
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 1000)
const POLL_MS = 1000
const SECRET = 'bench-webhook-secret'
const GIVE_UP_MS = 10_000
const logger = createLogger('silent')

/** A small deterministic generator (LCG), so every mode waits the same pauses. */
function pauses(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return (state / 2_147_483_648) * GAP_MS
  }
}

/** One way a message comes in: hands message `n` over; resolves when the app has it (webhooks: answered). */
type Inbound = {
  name: string
  /** whether a second instance can take part (a webhook reaches any instance; a long poll only its own) */
  webhook: boolean
  deliver: (url: string, n: number) => Promise<void>
  /** when (performance.now()) the first send for contact `n` reached the fake */
  firstSend: (n: number) => Promise<number>
}

const fakes = async () => {
  const bot = await startFakeBotApi()
  const graph = await fakeGraphApi()
  // the Graph fake records bodies in an array: told here the moment one is added
  const graphListeners = new Set<() => void>()
  const push = graph.sent.push.bind(graph.sent)
  graph.sent.push = (...items: unknown[]) => {
    const length = push(...items)
    for (const listener of [...graphListeners]) listener()
    return length
  }
  const graphSentTo = (to: string) =>
    new Promise<number>((resolve) => {
      const check = () => {
        if (!graph.sent.some((body) => typeof body === 'object' && body !== null && 'to' in body && body.to === to)) return
        graphListeners.delete(check)
        resolve(performance.now())
      }
      graphListeners.add(check)
      check()
    })
  return { bot, graph, graphSentTo, close: async () => Promise.all([bot.close(), graph.close()]) }
}
type Fakes = Awaited<ReturnType<typeof fakes>>

const telegramUpdate = (updateId: number, chat: number) => ({
  update_id: updateId,
  message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Ana', language_code: 'es' }, text: 'hola' },
})
const botSentTo = (bot: FakeBotApi, chat: number) => bot.until(() => (bot.sent.some((message) => message.chatId === String(chat)) ? performance.now() : undefined))

function telegramWebhook(f: Fakes): Inbound {
  return {
    name: 'Telegram webhook',
    webhook: true,
    async deliver(url, n) {
      const response = await fetch(`${url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(telegramUpdate(1_000 + n, 710_000_000 + n)),
      })
      if (response.status !== 200) throw new Error(`the Telegram webhook answered ${response.status}`)
      await response.arrayBuffer()
    },
    firstSend: (n) => botSentTo(f.bot, 710_000_000 + n),
  }
}

function telegramLongPoll(f: Fakes): Inbound {
  return {
    name: 'Telegram long polling',
    webhook: false,
    deliver: async (_url, n) => {
      f.bot.push(telegramUpdate(2_000_000 + n, 720_000_000 + n))
    },
    firstSend: (n) => botSentTo(f.bot, 720_000_000 + n),
  }
}

const waNumber = (n: number) => `502${String(55_000_000 + n)}`
function whatsappCloud(f: Fakes): Inbound {
  return {
    name: 'WhatsApp Cloud webhook',
    webhook: true,
    async deliver(url, n) {
      const from = waNumber(n)
      const value = {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '50222220000', phone_number_id: PHONE_ID },
        contacts: [{ profile: { name: 'Ana' }, wa_id: from }],
        messages: [{ from, id: `wamid.BENCH-${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'hola' } }],
      }
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value }] }] })
      const response = await fetch(`${url}/webhooks/whatsapp`, signedPost(body))
      if (response.status !== 200) throw new Error(`the WhatsApp webhook answered ${response.status}`)
      await response.arrayBuffer()
    },
    firstSend: (n) => f.graphSentTo(waNumber(n)),
  }
}

function appConfig(f: Fakes, telegram: 'webhook' | 'polling'): Parameters<typeof compose>[0]['config'] {
  const channels: ChannelConfig = {
    TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
    TELEGRAM_API_ROOT: f.bot.url,
    ...(telegram === 'webhook' ? { TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram', TELEGRAM_WEBHOOK_SECRET: SECRET } : {}),
    WHATSAPP_CLOUD_TOKEN: TOKEN,
    WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
    WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'bench-verify',
    WHATSAPP_CLOUD_API_ROOT: f.graph.root,
    WHATSAPP_CLOUD_RATE_PER_SECOND: 1000,
  }
  return { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: POLL_MS, RETENTION_DAYS: 180, ...channels }
}

async function startChannels(composed: Composed) {
  for (const channel of composed.channels.values()) await channel.start?.(composed.runtime.handle)
}
async function stopChannels(composed: Composed) {
  for (const channel of composed.channels.values()) await channel.stop?.()
}

type Mode = { replies: number[]; lost: number }
let nextContact = 1

/** UPDATES messages through `inbound`, each after its pause; first-send latencies. */
async function run(url: string, inbound: Inbound): Promise<Mode> {
  const mode: Mode = { replies: [], lost: 0 }
  const pause = pauses(18)
  for (let i = 0; i < UPDATES; i++) {
    await sleep(pause())
    const n = nextContact++
    const arrived = inbound.firstSend(n)
    const start = performance.now()
    await inbound.deliver(url, n)
    const at = await Promise.race([arrived, sleep(GIVE_UP_MS, null)])
    if (at === null) mode.lost++
    else mode.replies.push(at - start)
  }
  return mode
}

const line = (label: string, mode: Mode) =>
  `    ${label.padEnd(34)} median ${ms(percentile(mode.replies, 0.5)).padStart(9)}, worst ${ms(percentile(mode.replies, 1)).padStart(10)}${mode.lost > 0 ? `; ${mode.lost} never arrived` : ''}`

/** Every inbound way of one app (Telegram in `telegram` mode), in each delivery mode. */
async function measureApp(kind: string, database: Database, f: Fakes, telegram: 'webhook' | 'polling', secondUrl: string | undefined) {
  const composed = await compose({ database, config: appConfig(f, telegram), logger })
  await startChannels(composed)
  const served = await serveOnLoopback(composed.app)
  const inbounds = telegram === 'webhook' ? [telegramWebhook(f), whatsappCloud(f)] : [telegramLongPoll(f)]
  try {
    for (const inbound of inbounds) {
      // one message first, untimed: the first request compiles and caches
      composed.outbox.start()
      const warm = nextContact++
      const warmed = inbound.firstSend(warm)
      await inbound.deliver(served.url, warm)
      await Promise.race([warmed, sleep(GIVE_UP_MS)])
      console.log(`  ${kind}, ${inbound.name}, ${UPDATES} messages, OUTBOX_POLL_MS ${POLL_MS}:`)
      const woken = await run(served.url, inbound)
      console.log(line('outbox woken on commit', woken))
      await composed.outbox.stop()
      if (inbound.webhook && secondUrl !== undefined) {
        const other = await openDatabase({ kind: 'postgres', url: secondUrl, maxConnections: 2 })
        const second = await compose({ database: other, config: appConfig(f, 'webhook'), logger })
        await startChannels(second)
        second.outbox.start()
        try {
          console.log(line('another instance, woken by NOTIFY', await run(served.url, inbound)))
        } finally {
          await second.outbox.stop()
          await stopChannels(second)
          await other.close()
        }
      }
      const polling = createOutboxWorker({ db: database.db, channels: composed.channels, logger, pollMs: POLL_MS })
      polling.start()
      const polled = await run(served.url, inbound)
      await polling.stop()
      console.log(line('baseline, polling only', polled))
      const ratio = percentile(polled.replies, 0.5) / percentile(woken.replies, 0.5)
      console.log(`    ratio baseline ÷ woken, medians: ${ratio.toFixed(1)}x (target: woken median < 50 ms)`)
    }
  } finally {
    await served.close()
    await stopChannels(composed)
  }
}

async function measure(kind: string, open: () => Promise<Database>, secondUrl?: string) {
  for (const telegram of ['webhook', 'polling'] as const) {
    const f = await fakes()
    const database = await open()
    try {
      await measureApp(kind, database, f, telegram, secondUrl)
    } finally {
      await database.close()
      await f.close()
    }
  }
}

async function main() {
  console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  const scratch = await createScratchDatabase('latency')
  try {
    // each app of the run starts on the same database: the second run finds the first's rows
    await measure('PostgreSQL', () => openDatabase({ kind: 'postgres', url: scratch.url }), scratch.url)
  } finally {
    await scratch.drop()
  }
  await measure('PGlite (in memory)', () => openDatabase({ kind: 'pglite' }))
}

await main()
