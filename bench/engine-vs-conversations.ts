/**
 * Our engine against its peer (issue 18): the same 8-question conversation driven through grammY's
 * `bot.handleUpdate`, with the Bot API answered by a fake `fetch` in this process (no network), three
 * ways:
 *  - floor: grammY's own `session()` (in-memory storage) and a handler that asks the next question
 *    from a counter: the least any stateful bot pays per update;
 *  - ours: the pure engine (`begin`, `step`) with the session kept as the runtime keeps it, minus
 *    the database: stored as JSON text, read back through `SessionSchema` on every update;
 *  - peer: @grammyjs/conversations 2, an async function that `await`s each answer (it replays the
 *    function from the start on every update).
 * Printed: µs per update at every step (median over BENCH_CHATS chats, 200) and the ratios
 * (targets: ours ≥ 10× faster than the peer, within 1.5× of the floor). Each way runs
 * BENCH_ROUNDS times (3), interleaved, after one warm-up round; the best round counts.
 *
 * It runs as production runs: compiled by esbuild as scripts/build.mjs compiles src/ for `npm
 * start`, under plain node (see runCompiled). BENCH_TSX=1 runs it under tsx instead.
 *
 *   npm run bench:engine
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { type Conversation, type ConversationFlavor, conversations, createConversation } from '@grammyjs/conversations'
import { Bot, type Context, session, type SessionFlavor } from 'grammy'
import type { Update, UserFromGetMe } from 'grammy/types'
import { begin, buildVocabulary, type EngineContext, type Flow, literal, newSession, type Reply, SessionSchema, step } from '../src/bot/engine/index.js'
import { flows as appFlows } from '../src/flows/index.js'
import { sharedLocales } from '../src/i18n/index.js'
import { percentile } from './timing.js'

const CHATS = Number(process.env.BENCH_CHATS ?? 200)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const QUESTIONS = [
  'What is your name?',
  'Which service failed you?',
  'In which municipality?',
  'Which facility?',
  'When did it happen?',
  'What happened?',
  'What would fix it?',
  'Anything else we should know?',
] as const
const THANKS = 'Thank you, your answers were recorded.'
/** the first update starts the conversation; then one answer per question */
const STEPS = QUESTIONS.length + 1

const me: UserFromGetMe = {
  id: 7_000_000_001,
  is_bot: true,
  first_name: 'Diálogo bench',
  username: 'dialogo_bench_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
}

let sent = 0
const answer = JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private', first_name: 'Ana' }, text: '' } })
/**
 * The Bot API answered here: every call gets a sent message back, and no request leaves the process.
 * At the level of `fetch`, below grammY's transformers, where @grammyjs/conversations replays its
 * calls (a transformer of ours would sit above its replay and see every replayed call as new).
 */
const fakeFetch: typeof fetch = async () => {
  sent++
  return new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } })
}

function botWith<C extends Context>(install: (bot: Bot<C>) => void): Bot<C> {
  const bot = new Bot<C>('7000000001:bench-token-never-sent', { botInfo: me, client: { fetch: fakeFetch } })
  install(bot)
  return bot
}

let updateId = 1
function textUpdate(chat: number, text: string): Update {
  const from = { id: chat, is_bot: false, first_name: 'Ana', language_code: 'es' }
  return { update_id: updateId++, message: { message_id: updateId, date: 0, chat: { id: chat, type: 'private', first_name: 'Ana' }, from, text } }
}

// ---------------------------------------------------------------- floor: grammY's session()

type FloorContext = Context & SessionFlavor<{ asked: number }>
function floorBot(): Bot<FloorContext> {
  return botWith<FloorContext>((bot) => {
    bot.use(session({ initial: () => ({ asked: -1 }) }))
    bot.on('message:text', async (ctx) => {
      const next = ctx.session.asked + 1
      if (next < QUESTIONS.length) {
        ctx.session.asked = next
        await ctx.reply(QUESTIONS[next] ?? '')
      } else {
        ctx.session.asked = -1
        await ctx.reply(THANKS)
      }
    })
  })
}

// ---------------------------------------------------------------- ours: the engine

const benchFlow: Flow = {
  id: 'bench',
  title: literal('Bench'),
  start: 'q1',
  nodes: {
    ...Object.fromEntries(
      QUESTIONS.map((question, i) => [
        `q${i + 1}`,
        { kind: 'ask', var: `a${i + 1}`, prompt: literal(question), input: { type: 'text', min: 1, max: 2000 }, next: i + 1 < QUESTIONS.length ? `q${i + 2}` : 'done' },
      ]),
    ),
    done: { kind: 'end', text: literal(THANKS) },
  },
}

/** The engine's world as compose builds it (the app's flows, locales and words), plus the bench flow. */
function engineContext(): Omit<EngineContext, 'now'> {
  const locales = sharedLocales()
  const offered = locales.offered({ minPercent: 100, defaultLocale: 'es' })
  const flows = { ...appFlows, bench: benchFlow }
  const catalog = { sectors: [], categories: [], departments: [], municipalities: [], municipalityAliases: [] }
  return { t: locales.t, catalog, flows, locales: offered, vocabulary: buildVocabulary({ flows, locales: offered, text: locales.own }), sessionTtlMinutes: 60 }
}

function oursBot(): Bot<Context> {
  const engine = engineContext()
  // what the sessions table holds: JSON, parsed and checked on the way in as the runtime does
  const store = new Map<number, string>()
  return botWith<Context>((bot) => {
    bot.on('message:text', async function oursStep(ctx) {
      const key = ctx.chat.id
      const context: EngineContext = { ...engine, now: new Date() }
      const stored = store.get(key)
      const session = stored === undefined ? newSession('es') : SessionSchema.parse(JSON.parse(stored))
      const result = session.flowId === 'bench' ? step(session, { kind: 'text', text: ctx.message.text }, context) : begin(session, 'bench', context)
      store.set(key, JSON.stringify(result.session))
      for (const reply of result.replies satisfies Reply[]) await ctx.reply(reply.text)
    })
  })
}

// ---------------------------------------------------------------- peer: @grammyjs/conversations

type PeerContext = ConversationFlavor<Context>
function peerBot(): Bot<PeerContext> {
  return botWith<PeerContext>((bot) => {
    bot.use(conversations())
    bot.use(
      createConversation(async (conversation: Conversation<PeerContext, Context>, ctx: Context) => {
        for (const question of QUESTIONS) {
          await ctx.reply(question)
          ctx = await conversation.waitFor('message:text')
        }
        await ctx.reply(THANKS)
      }, 'complaint'),
    )
    bot.on('message:text', (ctx) => ctx.conversation.enter('complaint'))
  })
}

// ---------------------------------------------------------------- driving

type Way = { name: string; bot: Bot<Context> | Bot<FloorContext> | Bot<PeerContext> }

/** Drives CHATS chats through the whole conversation, step by step; µs per update at each step (median). */
async function round(way: Way, firstChat: number): Promise<number[]> {
  const perStep: number[][] = Array.from({ length: STEPS }, () => [])
  for (let s = 0; s < STEPS; s++) {
    for (let c = 0; c < CHATS; c++) {
      const update = textUpdate(firstChat + c, s === 0 ? 'hola' : `answer ${s}`)
      const start = performance.now()
      await way.bot.handleUpdate(update)
      perStep[s]?.push((performance.now() - start) * 1000)
    }
  }
  return perStep.map((samples) => percentile(samples, 0.5))
}

// ---------------------------------------------------------------- compiled, as production runs

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)]))
}

/**
 * Production runs the JavaScript scripts/build.mjs compiles (`npm start`: node dist/main.js), not
 * tsx. tsx's transform keeps function names: every named closure a call makes also calls a
 * `__name` helper (Object.defineProperty), in our TypeScript only (node_modules, grammY's and
 * zod's, are not transformed): one closure readAnswer made per answer was 14 % of step() in a
 * --cpu-prof under tsx. So this file and src/ are compiled with that build's settings into a
 * folder under node_modules/.cache (where the imports of grammY and zod resolve; not dist/, which
 * bench:e2e and a running app may be using) and run under node.
 */
/** `node --cpu-prof --import tsx bench/…`: the child, where the timed run is, is profiled too (NODE_OPTIONS may not carry --cpu-prof). */
function profilerFlags(): string[] {
  const flags: string[] = []
  process.execArgv.forEach((arg, i) => {
    if (!arg.startsWith('--cpu-prof')) return
    flags.push(arg)
    // "--cpu-prof-dir /tmp/p": the value as its own argument
    const value = process.execArgv[i + 1]
    if (arg !== '--cpu-prof' && !arg.includes('=') && value !== undefined) flags.push(value)
  })
  return flags
}

async function runCompiled(): Promise<number> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true })
  const out = mkdtempSync(join(root, 'node_modules/.cache/bench-engine-'))
  try {
    const src = filesUnder(join(root, 'src'))
    await build({
      entryPoints: [
        ...src.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts')),
        fileURLToPath(import.meta.url),
        join(root, 'bench/timing.ts'),
      ],
      outdir: out,
      outbase: root,
      // the settings of scripts/build.mjs
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20.19',
      logLevel: 'warning',
    })
    // the locale files the i18n module reads beside itself, as the build copies them
    for (const file of src.filter((name) => !name.endsWith('.ts'))) cpSync(file, join(out, relative(root, file)))
    // below node_modules, node looks no further up for the package's "type": module
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: 'module' }))
    const child = spawnSync(process.execPath, [...profilerFlags(), join(out, 'bench', 'engine-vs-conversations.js')], { stdio: 'inherit', env: process.env })
    return child.status ?? 1
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
}

async function main() {
  const ways: Way[] = [
    { name: 'floor: grammY session()', bot: floorBot() },
    { name: 'ours: engine step', bot: oursBot() },
    { name: 'peer: conversations', bot: peerBot() },
  ]
  const best = new Map<string, number[]>()
  let chat = 800_000_000
  for (let r = 0; r <= ROUNDS; r++) {
    for (const way of ways) {
      const sentBefore = sent
      const medians = await round(way, chat)
      chat += CHATS
      // every update answered: one message per step and chat
      if (sent - sentBefore !== CHATS * STEPS) throw new Error(`${way.name} sent ${sent - sentBefore} messages, expected ${CHATS * STEPS}`)
      if (r === 0) continue // warm-up
      const previous = best.get(way.name)
      const total = (values: number[]) => values.reduce((a, b) => a + b, 0)
      if (!previous || total(medians) < total(previous)) best.set(way.name, medians)
    }
  }
  const rows = ways.map((way) => ({ name: way.name, medians: best.get(way.name) ?? [] }))
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const how = import.meta.url.endsWith('.ts') ? 'tsx' : 'compiled (esbuild, as scripts/build.mjs), plain node'
  console.log(`${how}, node ${process.version}; ${CHATS} chats × ${STEPS} updates (start + ${QUESTIONS.length} answers), best of ${ROUNDS} rounds, µs per update (median per step):`)
  console.log(`${'step'.padEnd(26)}${Array.from({ length: STEPS }, (_, s) => String(s).padStart(7)).join('')}   mean`)
  for (const row of rows) console.log(`${row.name.padEnd(26)}${row.medians.map((v) => v.toFixed(0).padStart(7)).join('')}${mean(row.medians).toFixed(1).padStart(7)}`)
  const [floor, ours, peer] = rows.map((row) => mean(row.medians))
  if (floor === undefined || ours === undefined || peer === undefined) return
  console.log(`peer ÷ ours: ${(peer / ours).toFixed(1)}x (target ≥ 10x); ours ÷ floor: ${(ours / floor).toFixed(2)}x (target ≤ 1.5x)`)
}

// started from the TypeScript (npm run bench:engine, under tsx): compile and run that instead
if (import.meta.url.endsWith('.ts') && process.env.BENCH_TSX !== '1') process.exitCode = await runCompiled()
else await main()
