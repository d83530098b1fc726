import type { Hono } from 'hono'
import { createApp } from './app.js'
import type { Channel, ChannelKind } from './bot/channel.js'
import { type ChannelConfig, createChannels } from './bot/create-channels.js'
import { createOutboxWorker, type OutboxWorker } from './bot/outbox.js'
import { createRuntime, type Runtime } from './bot/runtime.js'
import type { Config } from './config.js'
import { loadCatalog } from './db/catalog.js'
import type { Database } from './db/client.js'
import { seedDatabase } from './db/seed/load-seed.js'
import { createEffectHandlers } from './flows/effect-handlers.js'
import { flows } from './flows/index.js'
import { createTranslate, supportedLocales } from './i18n/index.js'
import type { Logger } from './log.js'
import { createRetentionJob } from './privacy/retention-job.js'
import type { Job } from './jobs/run-job-once.js'
import { createScheduler, type Scheduler } from './jobs/scheduler.js'
import { type CaseJobsConfig, caseJobs } from './cases/case-jobs.js'
import { pollJobs, pollPacing } from './polls/poll-jobs.js'
import { resolvePollFlows } from './polls/resolve-poll-flows.js'

export type Composed = {
  app: Hono
  runtime: Runtime
  channels: Map<ChannelKind, Channel>
  outbox: OutboxWorker
  scheduler: Scheduler
}

type ComposeOptions = {
  database: Database
  config: Pick<Config, 'SEED_FILE' | 'SESSION_TTL_MINUTES' | 'DEFAULT_LOCALE' | 'OUTBOX_POLL_MS' | 'RETENTION_DAYS'> & ChannelConfig & CaseJobsConfig & Partial<Pick<Config, 'STATS_MIN_CELL' | 'OVERSIGHT_UNIT_CODE'>>
  logger: Logger
  now?: () => Date
}

/**
 * Wires the app on an open database: seed, catalog, runtime with the flows and their effects,
 * channels, outbox worker and HTTP routes. main.ts and the end-to-end tests share it.
 */
export async function compose({ database, config, logger, now }: ComposeOptions): Promise<Composed> {
  await seedDatabase(database.db, config.SEED_FILE)
  const channels = createChannels({ db: database.db, config, logger })
  const runtime = createRuntime({
    db: database.db,
    engine: {
      t: createTranslate(),
      catalog: await loadCatalog(database.db),
      flows,
      locales: supportedLocales,
      sessionTtlMinutes: config.SESSION_TTL_MINUTES,
    },
    handlers: createEffectHandlers({ oversightUnitCode: config.OVERSIGHT_UNIT_CODE }),
    inlineChannels: new Set([...channels.values()].filter((c) => c.inlineReplies).map((c) => c.kind)),
    defaultLocale: config.DEFAULT_LOCALE,
    logger,
    now,
    resolveFlows: resolvePollFlows,
  })
  const outbox = createOutboxWorker({ db: database.db, channels, logger, pollMs: config.OUTBOX_POLL_MS, now })
  const app = createApp({ database, handle: runtime.handle, logger, now, channels: channels.values(), statsMinCell: config.STATS_MIN_CELL, maxMediaBytes: config.MEDIA_MAX_BYTES })
  // Scheduled work (SLA escalation, digests, poll opening and closing); each runs once across instances.
  const jobs: Job[] = [
    createRetentionJob(config.RETENTION_DAYS),
    ...caseJobs(config, runtime),
    ...pollJobs({ startFlow: runtime.startFlow, t: createTranslate(), pacing: pollPacing(channels), now }),
  ]
  const scheduler = createScheduler({ db: database.db, jobs, logger, now })
  return { app, runtime, channels, outbox, scheduler }
}
