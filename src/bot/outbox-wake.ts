import type { Database } from '../db/client.js'
import type { Logger } from '../log.js'
import type { OutboxWorker } from './outbox.js'

/** The channel migration 0017's trigger notifies when a transaction inserted outbox rows. */
export const OUTBOX_NOTIFY_CHANNEL = 'dialogo_outbox'

/**
 * The worker, also woken when another instance (or a job there) queued rows: while it runs it
 * listens for the outbox trigger's NOTIFY, which PostgreSQL sends on commit. Without `listen`
 * (PGlite, one process) it is the worker as it was: the runtime wakes it in memory.
 */
export function wakeOnNotify(worker: OutboxWorker, database: Pick<Database, 'listen'>, logger: Logger): OutboxWorker {
  const { listen } = database
  if (!listen) return worker
  let unlisten: Promise<(() => Promise<void>) | undefined> | undefined
  return {
    ...worker,
    start: () => {
      worker.start()
      unlisten ??= listen(OUTBOX_NOTIFY_CHANNEL, () => worker.wake())
        .then((stopListening) => {
          // a notification sent before the LISTEN took hold is lost: look once now it holds
          worker.wake()
          return stopListening
        })
        .catch((error: unknown) => {
          // polling still delivers; only the wake from other instances is missing
          logger.warn({ err: error }, 'could not listen for outbox notifications; polling only')
          return undefined
        })
    },
    stop: async () => {
      const stopListening = await unlisten
      unlisten = undefined
      await Promise.all([worker.stop(), stopListening?.().catch(() => undefined)])
    },
  }
}
