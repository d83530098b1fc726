import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, eventually, startAppProcess } from '../support/app-process.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../support/temp-postgres.js'
import { type CitizenLog, fileComplaintRetrying, progressed } from '../support/webchat-citizen.js'

const bin = postgresBinaries()
const CITIZENS = 6
const COMPLAINTS_EACH = 2
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function healthOf(app: AppProcess): Promise<{ status: number; database: string }> {
  const response = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(5000) })
  const body = (await response.json()) as { database: { state: string } }
  return { status: response.status, database: body.database.state }
}

// Its own PostgreSQL server, so stopping it disturbs nothing else; skipped only without Debian's server binaries.
describe.runIf(bin)('a PostgreSQL restart under web chat load', () => {
  let server: TempPostgres
  let app: AppProcess
  let sql: postgres.Sql | undefined
  beforeAll(async () => {
    server = await startTempPostgres(bin ?? '')
  })
  afterAll(async () => {
    await app?.stop('SIGKILL')
    await sql?.end({ timeout: 2 })
    await server?.close()
  })

  it('reconnects by itself, loses nothing acknowledged, processes each retried message once, and /health says 503 while it is down', async () => {
    const url = await server.createDatabase('database_restart')
    app = await startAppProcess({ env: { DATABASE_URL: url } })
    const deadline = Date.now() + 120_000
    let handedOver = 0
    // each citizen from its own loopback address, so the per-address limit sees separate clients
    const load = Promise.all(
      Array.from({ length: CITIZENS }, async (_, i) => {
        const logs: CitizenLog[] = []
        for (let n = 0; n < COMPLAINTS_EACH; n++) logs.push(await fileComplaintRetrying(() => app.url, `127.0.0.${20 + i}`, deadline, () => handedOver++))
        return logs
      }),
    )
    await progressed(() => handedOver, 30)
    await server.stop()
    const down = await eventually(async () => {
      const health = await healthOf(app)
      return health.status === 503 ? health : undefined
    }, 10_000)
    expect(down).toEqual({ status: 503, database: 'unreachable' })
    await sleep(1500)
    await server.start()
    await eventually(async () => ((await healthOf(app)).status === 200 ? true : undefined), 30_000)
    const logs = (await load).flat()

    expect(logs.reduce((sum, log) => sum + log.retries, 0)).toBeGreaterThan(0)
    sql = postgres(url, { max: 1, onnotice: () => {} })
    const codes = logs.flatMap((log) => log.trackingCodes)
    expect(new Set(codes).size).toBe(CITIZENS * COMPLAINTS_EACH)
    const cases = await sql<{ code: string }[]>`select code from cases`
    // every acknowledged complaint is there, once; none that nobody was told about
    expect(cases.map((row) => row.code).sort()).toEqual([...codes].sort())
    const acknowledged = logs.reduce((sum, log) => sum + log.acknowledged.size, 0)
    const [inbound] = await sql<{ count: string }[]>`select count(*) from inbound_messages where channel = 'webchat'`
    expect(Number(inbound?.count)).toBe(acknowledged)
    expect(app.child.exitCode).toBeNull()
  }, 150_000)
})
