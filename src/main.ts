import { basename } from 'node:path'
import { serve } from '@hono/node-server'
import { openCliBridge } from './cli/cli-bridge.js'
import { compose } from './compose.js'
import { ConfigError, loadConfig, loadDotEnv } from './config.js'
import { openDatabase } from './db/client.js'
import { DataDirLockedError, lockDataDir } from './db/data-dir-lock.js'
import { sharedMode } from './db/private-files.js'
import { createLogger } from './log.js'
import { ensurePublication } from './stats/publication-job.js'

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
  const { app, runtime, channels, outbox, scheduler } = await compose({ database, config, logger })
  // Public statistics answer only from a stored publication: build one now if none is current
  // (a fresh install, or a month closed while the app was down); the job keeps it current.
  const published = await ensurePublication(database.db, new Date(), config.STATS_MIN_CELL)
  if (published) logger.info({ cells: published.cells, withheld: published.small + published.complementary }, 'statistics publication built')
  // The embedded database serves this process only, so the CLI reaches it through the app.
  const cliBridge = database.kind === 'pglite' ? openCliBridge(app, database.db, config.DATA_DIR, undefined, scheduler) : null
  for (const channel of channels.values()) await channel.start?.(runtime.handle)
  outbox.start()
  await scheduler.start()

  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
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
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    server.close()
    scheduler.stop()
    await outbox.stop()
    for (const channel of channels.values()) await channel.stop?.()
    await database.close()
    cliBridge?.close()
    release()
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
