import { chmodSync, lstatSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Folders this app creates: its user only. */
export const PRIVATE_DIR_MODE = 0o700
/** Files this app creates: its user only. */
export const PRIVATE_FILE_MODE = 0o600

/**
 * The mode of a folder as `0755` when its group or others may read, write or enter it; null when
 * it is private or does not exist yet.
 */
export function sharedMode(dir: string): string | null {
  try {
    const mode = statSync(dir).mode & 0o777
    return mode & 0o077 ? `0${mode.toString(8)}` : null
  } catch {
    return null
  }
}

/**
 * Makes a folder and everything in it private (folders 0700, files 0600): the embedded database's
 * files hold every complaint, and PGlite creates them 0666 under a usual umask. Symbolic links are
 * left alone. Returns how many modes were changed.
 */
export function makePrivate(dir: string): number {
  let changed = 0
  const walk = (path: string) => {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) return
    const wanted = stat.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE
    if ((stat.mode & 0o777) !== wanted) {
      chmodSync(path, wanted)
      changed++
    }
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name))
  }
  walk(dir)
  return changed
}
