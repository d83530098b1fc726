/**
 * One app instance for the multi-process benchmarks (bench/scale-out.ts): composed on the
 * PostgreSQL database in BENCH_INSTANCE_URL with main.ts's pool, served on 127.0.0.1 at a free
 * port, its outbox worker running. Talks to its parent over IPC: it sends `{ url }` once it
 * serves; `{ type: 'jobs', names, slots }` runs each probe job for each slot as the scheduler
 * fires a job (runJobOnce), each run recording this instance in bench_job_runs, and answers
 * `{ type: 'jobs', ran }`; `{ type: 'stop' }` closes everything and exits.
 */
import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { compose } from '../src/compose.js'
import { openDatabase } from '../src/db/client.js'
import { runJobOnce } from '../src/jobs/run-job-once.js'
import { createLogger } from '../src/log.js'
import { serveOnLoopback } from './loopback-app.js'

const url = z.string().url().parse(process.env.BENCH_INSTANCE_URL)
const name = process.env.BENCH_INSTANCE_NAME ?? String(process.pid)
const MessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('jobs'), names: z.array(z.string()), slots: z.array(z.string()) }),
  z.object({ type: z.literal('stop') }),
])

const database = await openDatabase({ kind: 'postgres', url })
const composed = await compose({
  database,
  config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 1000, RETENTION_DAYS: 180 },
  logger: createLogger('silent'),
})
composed.outbox.start()
const served = await serveOnLoopback(composed.app)
const send = (message: unknown) => process.send?.(message)
send({ url: served.url })

process.on('message', (raw) => {
  const message = MessageSchema.parse(raw)
  if (message.type === 'stop') {
    void (async () => {
      await served.close()
      await composed.outbox.stop()
      await database.close()
      process.exit(0)
    })()
    return
  }
  void (async () => {
    let ran = 0
    for (const slot of message.slots) {
      const outcomes = await Promise.all(
        message.names.map((job) =>
          runJobOnce(database.db, { name: job, cron: '* * * * *', run: async (tx, at) => void (await tx.execute(sql`insert into bench_job_runs (job, slot, instance) values (${job}, ${at.toISOString()}, ${name})`)) }, new Date(slot)),
        ),
      )
      ran += outcomes.filter((outcome) => outcome === 'ran').length
    }
    send({ type: 'jobs', ran })
  })()
})
