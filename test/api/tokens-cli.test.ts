import { spawn } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyToken } from '../../src/auth/tokens.js'
import { type CliBridge, openCliBridge } from '../../src/cli/cli-bridge.js'
import { runCli } from '../../src/cli/run-cli.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { apiTokens, auditLog, units } from '../../src/db/schema/index.js'
import { apiRequest } from '../support/api-request.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

/** Runs the CLI as a function against DATA_DIR, collecting what it prints. */
async function cli(dataDir: string, ...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir } })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe.each(databaseKinds)('API tokens through the API and the CLI on %s', (kind) => {
  let database: Database
  let composed: Composed
  let bridge: CliBridge
  let server: ServerType
  let dataDir: string
  let port: number
  // Another live process holding the lock stands for "the app runs": the CLI must not open the files.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'])

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    dataDir = mkdtempSync(join(tmpdir(), 'dialogo-cli-'))
    bridge = openCliBridge(composed.app, database.db, dataDir)
    port = await new Promise<number>((resolve) => {
      server = serve({ fetch: composed.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
    })
    bridge.publish(port)
    writeFileSync(join(dataDir, 'dialogo.lock'), String(holder.pid))
  })
  afterAll(async () => {
    holder.kill()
    bridge.close()
    await new Promise((resolve) => server.close(resolve))
    await database.close()
  })

  it('creates an institution token for units given by code through the running app, and it works', async () => {
    expect((statSync(join(dataDir, 'control.json')).mode & 0o777).toString(8)).toBe('600')
    const result = await cli(dataDir, 'token', 'create', '--role', 'institution', '--name', 'Área Ixil', '--unit', 'MSPAS-DAS-IXIL')
    expect(result).toMatchObject({ code: 0, err: '' })
    const secret = /dlg_\S+/.exec(result.out)?.[0]
    if (!secret) throw new Error(`no token in ${result.out}`)
    const [ixil] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-DAS-IXIL'))
    expect(await verifyToken(database.db, secret)).toMatchObject({ role: 'institution', unitIds: [ixil?.id] })
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entity, 'token'))
    expect(audit).toMatchObject({ actor: 'cli', action: 'create' })
  })

  it('lists and revokes tokens through the running app, and explains bad input', async () => {
    const listed = await cli(dataDir, 'token', 'list')
    expect(listed.out).toContain('Área Ixil')
    expect(listed.out).not.toMatch(/dlg_/)
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.name, 'Área Ixil'))
    if (!row) throw new Error('token missing')
    expect(await cli(dataDir, 'token', 'revoke', row.id)).toMatchObject({ code: 0, out: `token ${row.id} revoked` })
    expect((await cli(dataDir, 'token', 'list')).out).toMatch(/Área Ixil.*revoked/)

    expect(await cli(dataDir, 'token', 'revoke', 'not-a-uuid')).toMatchObject({ code: 2, err: expect.stringContaining('UUID') })
    expect(await cli(dataDir, 'token', 'create', '--role', 'institution', '--name', 'x')).toMatchObject({ code: 1, err: expect.stringContaining('at least one unit') })
    expect(await cli(dataDir, 'token', 'create', '--role', 'institution', '--name', 'x', '--unit', 'NOPE')).toMatchObject({ code: 1, err: expect.stringContaining('NOPE') })
    expect(await cli(dataDir, 'token', 'create', '--role', 'admin', '--name', 'x', '--unit', 'MSPAS-DAS-IXIL')).toMatchObject({ code: 1, err: expect.stringContaining('not scoped') })
  })

  it('refuses the CLI endpoint without the secret or from inside the process', async () => {
    const wrong = await fetch(`http://127.0.0.1:${port}/internal/cli/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dialogo-cli-secret': 'guess' },
      body: JSON.stringify({ command: 'list' }),
    })
    expect(wrong.status).toBe(401)
    const noSocket = await composed.app.request('/internal/cli/tokens', { method: 'POST', body: JSON.stringify({ command: 'list' }) })
    expect(noSocket.status).toBe(403)
  })

  it('creates, lists and revokes tokens through the admin API, never showing a secret again', async () => {
    const admin = (await cli(dataDir, 'token', 'create', '--role', 'admin', '--name', 'Ana')).out.match(/dlg_\S+/)?.[0]
    const [ixil] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-DAS-IXIL'))
    const created = await apiRequest(composed.app, 'POST', '/api/v1/tokens', admin, { name: 'Mesa Ixil', role: 'institution', unitIds: [ixil?.id] })
    expect(created.status).toBe(201)
    const body = (await created.json()) as { id: string; token: string }
    expect(body.token).toMatch(/^dlg_/)
    const list = await (await apiRequest(composed.app, 'GET', '/api/v1/tokens', admin)).text()
    expect(list).not.toContain(body.token)
    expect(list).not.toMatch(/hash/i)
    expect(JSON.parse(list)).toMatchObject({ items: expect.arrayContaining([expect.objectContaining({ name: 'Mesa Ixil', lastUsedAt: null, revokedAt: null })]) })

    expect((await apiRequest(composed.app, 'GET', '/api/v1/units', body.token)).status).toBe(200)
    const revoked = await apiRequest(composed.app, 'POST', `/api/v1/tokens/${body.id}/revoke`, admin)
    expect(await revoked.json()).toMatchObject({ id: body.id, revokedAt: expect.any(String), lastUsedAt: expect.any(String) })
    expect((await apiRequest(composed.app, 'GET', '/api/v1/units', body.token)).status).toBe(401)
    expect((await apiRequest(composed.app, 'POST', '/api/v1/tokens', admin, { name: 'x', role: 'partner', unitIds: [ixil?.id] })).status).toBe(422)
  })
})

describe('the CLI without a running app', () => {
  it('opens the embedded database itself when no one holds it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dialogo-cli-direct-'))
    const created = await cli(dataDir, 'token', 'create', '--role', 'observatory', '--name', 'Observatorio Quiché')
    expect(created).toMatchObject({ code: 0, err: '' })
    expect((await cli(dataDir, 'token', 'list')).out).toContain('Observatorio Quiché')
    // A first PGlite start on disk runs initdb, which takes tens of seconds on a busy machine.
  }, 180_000)
})
