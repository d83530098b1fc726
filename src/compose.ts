import type { Hono } from 'hono'
import { createApp } from './app.js'
import type { Channel, ChannelKind } from './bot/channel.js'
import { type ChannelStates, createChannelStates } from './bot/channel-states.js'
import { type ChannelConfig, createChannels, loadChannelModules } from './bot/create-channels.js'
import { createInboundIntake } from './bot/channels/inbound-intake.js'
import { loadAudioPrompts, noAudioPrompts } from './bot/audio-prompts.js'
import { createOutboxWorker, type OutboxWorker } from './bot/outbox.js'
import { wakeOnNotify } from './bot/outbox-wake.js'
import { createRuntime, type Runtime } from './bot/runtime.js'
import { createMetrics } from './metrics/metrics.js'
import type { Config } from './config.js'
import { loadCatalog } from './db/catalog.js'
import type { Database } from './db/client.js'
import { seedDatabase } from './db/seed/load-seed.js'
import { createEffectHandlers } from './flows/effect-handlers.js'
import { flows } from './flows/index.js'
import { createTranslate, sharedLocales } from './i18n/index.js'
import { buildVocabulary, validateEffects } from './bot/engine/index.js'
import { withChoiceEmoji } from './flows/choice-emoji.js'
import type { Logger } from './log.js'
import { createRetentionJob } from './privacy/retention-job.js'
import { createTrailPurgeJob } from './privacy/trail-purge-job.js'
import { conversationKeys } from './bot/channels/webchat/conversation-keys.js'
import { upgradeConversationKeys } from './bot/channels/webchat/upgrade-conversation-keys.js'
import { loadAppSecret } from './db/app-secret.js'
import { createPublicationJob } from './stats/publication-job.js'
import { DEFAULT_MIN_CELL } from './api/stats-routes.js'
import type { Job } from './jobs/run-job-once.js'
import { createScheduler, type Scheduler } from './jobs/scheduler.js'
import { type CaseJobsConfig, caseJobs } from './jobs/case-jobs.js'
import { setCaseEventSubscribers } from './cases/case-events.js'
import { caseEventSubscribers } from './case-subscribers.js'
import { pollJobs, pollPacing } from './polls/poll-jobs.js'
import { resolvePollFlows } from './polls/resolve-poll-flows.js'

type PrivacySetting =
  | 'INLINE_REPLAY_MINUTES'
  | 'WEBCHAT_KIOSK'
  | 'WEBCHAT_KIOSK_IDLE_MINUTES'
  | 'STATUS_LOOKUPS_PER_HOUR'
  | 'UNLINKED_MEDIA_HOURS'
  | 'OFFICE_URL'
  | 'OFFICE_TRUST_PROXY'

export type Composed = {
  app: Hono
  runtime: Runtime
  channels: Map<ChannelKind, Channel>
  /** each channel's state for `/health`; main.ts's start-up supervisor keeps it */
  channelStates: ChannelStates
  outbox: OutboxWorker
  scheduler: Scheduler
}

type ComposeOptions = {
  database: Database
  config: Pick<Config, 'SEED_FILE' | 'SESSION_TTL_MINUTES' | 'DEFAULT_LOCALE' | 'OUTBOX_POLL_MS' | 'RETENTION_DAYS'> &
    ChannelConfig &
    CaseJobsConfig &
    Partial<Pick<Config, 'METRICS_TOKEN' | 'STATS_MIN_CELL' | 'OVERSIGHT_UNIT_CODE' | 'AUDIO_PROMPTS_DIR' | PrivacySetting | 'LOCALES_DIR' | 'LOCALE_MIN_COMPLETENESS'>>
  logger: Logger
  now?: () => Date
}

/**
 * Wires the app on an open database: seed, catalog, runtime with the flows and their effects,
 * channels, outbox worker and HTTP routes. main.ts and the end-to-end tests share it.
 */
export async function compose({ database, config, logger, now }: ComposeOptions): Promise<Composed> {
  await seedDatabase(database.db, config.SEED_FILE)
  // Every case change fans out from one place to statistics, staff alerts and citizen notices.
  setCaseEventSubscribers(caseEventSubscribers())
  // The web chat's conversation ids are stored only as keyed hashes; rows of older versions are rewritten.
  const webchatKeys = conversationKeys(await loadAppSecret(database.db, 'webchat-conversation'))
  const upgraded = await upgradeConversationKeys(database.db, webchatKeys)
  if (upgraded.contacts > 0) logger.info({ contacts: upgraded.contacts }, 'web chat conversations moved to keyed ids')
  // recorded prompts, indexed once: the channels send them beside the text, the web chat plays them
  const audio = config.AUDIO_PROMPTS_DIR
    ? await loadAudioPrompts(config.AUDIO_PROMPTS_DIR, { warn: (file, reason) => logger.warn({ file, reason }, 'audio prompt skipped') })
    : noAudioPrompts
  const recorded = Object.values(audio.list()).reduce((sum, keys) => sum + keys.length, 0)
  if (recorded > 0) logger.info({ recordings: recorded, locales: Object.keys(audio.list()) }, 'audio prompts indexed')
  // Languages are files: the operator's folder joins the built-in one; the words of every offered
  // language are read once, and every effect a flow names must have a handler before anyone writes.
  const locales = sharedLocales()
  if (config.LOCALES_DIR !== undefined) locales.addFolder(config.LOCALES_DIR)
  const offered = locales.offered({ minPercent: config.LOCALE_MIN_COMPLETENESS ?? 100, defaultLocale: config.DEFAULT_LOCALE })
  await loadChannelModules(config)
  // Telegram's "/" menu in each offered language, from the same words
  const commandMenus = { flows, locales: offered, defaultLocale: config.DEFAULT_LOCALE, own: locales.own, t: locales.t }
  const channels = createChannels({ db: database.db, config, logger, audio, commandMenus })
  const channelStates = createChannelStates(channels.values())
  // The outbox is made after the runtime it delivers for; the runtime wakes it once it exists.
  let wakeOutbox = () => {}
  const handlers = createEffectHandlers({ oversightUnitCode: config.OVERSIGHT_UNIT_CODE, lookupsPerHour: config.STATUS_LOOKUPS_PER_HOUR, officeUrl: config.OFFICE_URL })
  validateEffects(flows, Object.keys(handlers))
  const runtime = createRuntime({
    db: database.db,
    onQueued: () => wakeOutbox(),
    engine: {
      t: locales.t,
      catalog: withChoiceEmoji(await loadCatalog(database.db)),
      flows,
      locales: offered,
      vocabulary: buildVocabulary({ flows, locales: offered, text: locales.own }),
      sessionTtlMinutes: config.SESSION_TTL_MINUTES,
    },
    handlers,
    inlineChannels: new Set([...channels.values()].filter((c) => c.inlineReplies).map((c) => c.kind)),
    defaultLocale: config.DEFAULT_LOCALE,
    logger,
    now,
    resolveFlows: resolvePollFlows,
    intake: createInboundIntake({ db: database.db, logger, maxMediaBytes: config.MEDIA_MAX_BYTES }),
  })
  // Counted where every channel hands over its messages: the runtime's handle, wrapped once.
  const metrics = createMetrics({ db: database.db, inlineChannels: new Set([...channels.values()].filter((c) => c.inlineReplies).map((c) => c.kind)), now })
  const counted: Runtime = { ...runtime, handle: metrics.instrument(runtime.handle) }
  // woken in memory by this runtime, and on PostgreSQL by NOTIFY when another instance queued rows
  const outbox = wakeOnNotify(createOutboxWorker({ db: database.db, channels, logger, pollMs: config.OUTBOX_POLL_MS, now, onDelivery: metrics.onDelivery }), database, logger)
  wakeOutbox = outbox.wake
  const app = createApp({ database, handle: counted.handle, metrics: { metrics, token: config.METRICS_TOKEN }, logger, now, channels: channels.values(), channelStates, statsMinCell: config.STATS_MIN_CELL, maxMediaBytes: config.MEDIA_MAX_BYTES, office: { trustProxy: config.OFFICE_TRUST_PROXY },
    webchat: { keys: webchatKeys, kiosk: config.WEBCHAT_KIOSK, kioskIdleMinutes: config.WEBCHAT_KIOSK_IDLE_MINUTES, audio },
  })
  // Scheduled work (SLA escalation, digests, poll opening and closing); each runs once across instances.
  const jobs: Job[] = [
    createRetentionJob(config.RETENTION_DAYS),
    createTrailPurgeJob({ replayMinutes: config.INLINE_REPLAY_MINUTES ?? 10, unlinkedMediaHours: config.UNLINKED_MEDIA_HOURS ?? 6 }),
    ...caseJobs(config, runtime),
    ...pollJobs({ startFlow: runtime.startFlow, t: createTranslate(), pacing: pollPacing(channels), now, minCell: config.STATS_MIN_CELL }),
    createPublicationJob(config.STATS_MIN_CELL ?? DEFAULT_MIN_CELL),
  ]
  const scheduler = createScheduler({ db: database.db, jobs, logger, now })
  return { app, runtime: counted, channels, channelStates, outbox, scheduler }
}
