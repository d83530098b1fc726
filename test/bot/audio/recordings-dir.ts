import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** A real Ogg Opus recording ("hola", 1.3 KB): test/fixtures/audio/README.md says how it was made. */
export const HOLA_OGG = fileURLToPath(new URL('../../fixtures/audio/hola.ogg', import.meta.url))

/** An MP3 frame header followed by silence: enough for the format check and a content type. */
export const TINY_MP3 = Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(413)])

/**
 * A prompts folder as an operator fills it: `files` maps `<locale>/<name>` to the fixture
 * recording (`ogg`), an MP3 (`mp3`) or literal bytes. `remove()` deletes it.
 */
export function recordingsDir(files: Record<string, 'ogg' | 'mp3' | Buffer>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dialogo-audio-'))
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name)
    mkdirSync(dirname(path), { recursive: true })
    if (content === 'ogg') copyFileSync(HOLA_OGG, path)
    else writeFileSync(path, content === 'mp3' ? TINY_MP3 : content)
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Puts a symbolic link at `<dir>/<name>` pointing at `target`. */
export function linkIn(dir: string, name: string, target: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true })
  symlinkSync(target, join(dir, name))
}
