import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

/** Every folder and file under `dir` whose mode lets anyone but its owner in. */
function notPrivate(dir: string): string[] {
  const found: string[] = []
  const walk = (path: string) => {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) return
    const mode = stat.mode & 0o777
    if (mode !== (stat.isDirectory() ? 0o700 : 0o600)) found.push(`${path.slice(dir.length) || '.'} ${mode.toString(8)}`)
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
  }
  walk(dir)
  return found
}

/** Starts the app as `npm start` does, on the embedded database in `dataDir`; resolves once it listens. */
function startApp(dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(join('node_modules', '.bin', 'tsx'), ['src/main.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start: ${output}`)), 150_000)
    child.stdout?.on('data', () => {
      if (output.includes('Diálogo is running')) {
        clearTimeout(timer)
        resolve({ child, output: () => output })
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the app exited (${code}): ${output}`))
    })
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

describe('the embedded database on disk', () => {
  const root = mkdtempSync(join(tmpdir(), 'dialogo-attack-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it(
    'is private to the app user after start-up (folders 0700, files 0600), and the app warned that it was open, naming only the folder',
    async () => {
      // A data directory an operator made by hand, readable by everyone, under a revealing path.
      const dataDir = join(root, 'quejas-director-mixco', 'data')
      mkdirSync(dataDir, { recursive: true })
      chmodSync(dataDir, 0o755)
      const app = await startApp(dataDir)
      try {
        expect(readdirSync(dataDir)).toEqual(expect.arrayContaining(['PG_VERSION', 'dialogo.lock', 'control.json']))
        expect(notPrivate(dataDir)).toEqual([])
        const warning = app.output().split('\n').find((line) => line.includes('data directory was open'))
        expect(warning).toBeDefined()
        expect(warning).toContain('"folder":"data"')
        expect(warning).toContain('"mode":"0755"')
        expect(warning).not.toContain('quejas-director-mixco')
      } finally {
        await stop(app.child)
      }
      // and a restart on the now private folder does not warn
      const again = await startApp(dataDir)
      try {
        expect(again.output()).not.toContain('data directory was open')
        expect(notPrivate(dataDir)).toEqual([])
      } finally {
        await stop(again.child)
      }
    },
    300_000,
  )
})
