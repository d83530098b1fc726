import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.js'

describe('lockDataDir', () => {
  it('creates a missing data directory and removes the lock on release', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dialogo-lock-')), 'nested', 'data')
    const release = lockDataDir(dir)
    expect(existsSync(join(dir, 'dialogo.lock'))).toBe(true)
    release()
    expect(existsSync(join(dir, 'dialogo.lock'))).toBe(false)
  })

  it('refuses a directory held by another live process, naming its pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialogo-lock-'))
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'])
    try {
      writeFileSync(join(dir, 'dialogo.lock'), String(other.pid))
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
      expect(() => lockDataDir(dir)).toThrow(`in use by another Diálogo process (pid ${other.pid})`)
    } finally {
      other.kill()
    }
  })

  it('takes over a lock left by a process that has died', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialogo-lock-'))
    const dead = spawn(process.execPath, ['-e', ''])
    await new Promise((resolve) => dead.on('exit', resolve))
    writeFileSync(join(dir, 'dialogo.lock'), String(dead.pid))
    const release = lockDataDir(dir)
    expect(readFileSync(join(dir, 'dialogo.lock'), 'utf8')).toBe(String(process.pid))
    release()
  })
})
