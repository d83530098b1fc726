import { basename } from 'node:path'
import { serve } from '@hono/node-server'
import { openCliBridge } from './cli/cli-bridge.js'
import { compose } from './compose.js'
import { ConfigError, loadConfig, loadDotEnv } from './config.js'
import { openDatabase } from './db/client.js'
import { DataDirLockedError, lockDataDir } from './db/data-dir-lock.js'
import { sharedMode } from './db/private-files.js'
import { startChannels } from './bot/start-channels.js'
import { createDrain, within } from './lifecycle/drain.js'
import { createLogger } from './log.js'
import { ensurePublication } from './stats/publication-job.js'

// Each step of a shutdown has its bound, so the whole stays under 10 s (what a container runtime
// waits between SIGTERM and SIGKILL) even when a platform's API or the database does not answer.
const SHUTDOWN_MS = { channels: 2000, inFlight: 3000, outbox: 1500, database: 2000, hard: 9500 } as const

/** Composition root: config -> database -> runtime, channels, outbox -> HTTP server. */
async function main() {
  // Every file and folder this process creates (the embedded database, the lock and control
  // files) is its user's only: they hold complaints, and the control file a secret.
  process.umask(0o077)
  loadDotEnv()
  const config = loadConfig()
  const logger = createLogger(config.LOG_LEVEL)
  const shared = config.DATABASE_URL ? null : sharedMode(config.DATA_DIR)
  if (shared) {
    // the folder's name only: its full path may name a person or an office
    logger.warn(
      { folder: basename(config.DATA_DIR), mode: shared },
      'the data directory was open to other users of this machine; it is being made private (folders 0700, files 0600)',
    )
  }
  const release = config.DATABASE_URL ? () => {} : lockDataDir(config.DATA_DIR)
  const database = config.DATABASE_URL
    ? await openDatabase({ kind: 'postgres', url: config.DATABASE_URL })
    : await openDatabase({ kind: 'pglite', dataDir: config.DATA_DIR })
  const { app, runtime, channels, channelStates, outbox, scheduler } = await compose({ database, config, logger })
  // Public statistics answer only from a stored publication: build one now if none is current
  // (a fresh install, or a month closed while the app was down); the job keeps it current.
  const published = await ensurePublication(database.db, new Date(), config.STATS_MIN_CELL)
  if (published) logger.info({ cells: published.cells, withheld: published.small + published.complementary }, 'statistics publication built')
  // The embedded database serves this process only, so the CLI reaches it through the app.
  const cliBridge = database.kind === 'pglite' ? openCliBridge(app, database.db, config.DATA_DIR, undefined, scheduler) : null
  const drain = createDrain()
  // Channels start in the background: a platform that does not answer (getMe, the Graph API, the
  // WhatsApp socket) keeps retrying there while the web chat, the API and the others serve.
  const starter = startChannels({
    channels: channels.values(),
    handle: drain.handle(runtime.handle),
    states: channelStates,
    logger,
    attemptTimeoutMs: config.CHANNEL_START_TIMEOUT_MS,
  })
  outbox.start()
  await scheduler.start()

  const server = serve({ fetch: drain.fetch(app.fetch), port: config.PORT, hostname: config.HOST }, (info) => {
    cliBridge?.publish(info.port)
    const where = database.kind === 'pglite' ? `the embedded database in ${config.DATA_DIR}` : 'PostgreSQL'
    logger.info({ port: info.port, database: database.kind }, `Diálogo is running on ${where}`)
    console.log(
      [
        '',
        `  Web chat:   http://localhost:${info.port}/`,
        `  Admin API:  http://localhost:${info.port}/api/v1/docs  (token: npm run cli -- token create --role admin --name YOU)`,
        `  Health:     http://localhost:${info.port}/health`,
        '',
      ].join('\n'),
    )
  })

  let stopping = false
  /**
   * Stops taking messages (new requests get 503, long polling and sockets stop), finishes those in
   * flight, leaves what is not delivered yet pending in the outbox, closes the sockets and the
   * database, and exits; every step is bounded.
   */
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    const began = Date.now()
    logger.info({ signal }, 'shutting down')
    setTimeout(() => {
      logger.error({ afterMs: Date.now() - began }, 'shutdown did not finish in time; exiting anyway')
      process.exit(1)
    }, SHUTDOWN_MS.hard).unref()
    drain.begin()
    server.close()
    if ('closeIdleConnections' in server) server.closeIdleConnections()
    starter.stop()
    scheduler.stop()
    const stopped = await within(SHUTDOWN_MS.channels, Promise.allSettled([...channels.values()].map((channel) => channel.stop?.())).then(() => true), false)
    if (!stopped) logger.warn({ boundMs: SHUTDOWN_MS.channels }, 'a channel did not stop in time')
    const finished = await drain.idle(SHUTDOWN_MS.inFlight)
    if (!finished) logger.warn({ boundMs: SHUTDOWN_MS.inFlight }, 'messages were still in flight at shutdown')
    // A delivery under way to a platform that does not answer is left: its row stays pending and
    // becomes due again when its claim lapses, on this instance's next start or on another one.
    const delivered = await within(SHUTDOWN_MS.outbox, outbox.stop().then(() => true), false)
    if (!delivered) logger.warn({ boundMs: SHUTDOWN_MS.outbox }, 'a delivery was still under way at shutdown; it stays in the outbox')
    if ('closeAllConnections' in server) server.closeAllConnections()
    const closed = await within(SHUTDOWN_MS.database, database.close().then(() => true, () => false), false)
    if (!closed) logger.warn({ boundMs: SHUTDOWN_MS.database }, 'the database did not close in time')
    cliBridge?.close()
    release()
    logger.info({ tookMs: Date.now() - began }, 'stopped')
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`Diálogo cannot start: ${error.message}`)
  } else {
    console.error('Diálogo cannot start:', error)
  }
  process.exit(1)
})
