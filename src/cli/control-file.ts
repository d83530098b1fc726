import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/**
 * How the CLI reaches a running app that holds the embedded database: its local port and a
 * secret. Reading the file needs the same filesystem access as the data directory itself, which
 * already grants the whole database, so the secret adds no new power to whoever can read it.
 */
export const ControlFileSchema = z.object({ port: z.number().int().min(1).max(65535), secret: z.string().min(32), pid: z.number().int() })
export type ControlFile = z.infer<typeof ControlFileSchema>

const FILE_NAME = 'control.json'

/** Writes the control file (owner read/write only) and returns its removal, for shutdown. */
export function writeControlFile(dataDir: string, control: ControlFile): () => void {
  const path = join(dataDir, FILE_NAME)
  writeFileSync(path, JSON.stringify(control), { mode: 0o600 })
  // `mode` applies only when the file is created; a file left by a crash keeps its old mode.
  chmodSync(path, 0o600)
  return () => rmSync(path, { force: true })
}

/** The running app's control file, or null when there is none (or it is unreadable). */
export function readControlFile(dataDir: string): ControlFile | null {
  try {
    return ControlFileSchema.parse(JSON.parse(readFileSync(join(dataDir, FILE_NAME), 'utf8')))
  } catch {
    return null
  }
}
