import { constants } from 'node:fs'
import { lstat, open, readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { PromptRef, Reply } from './engine/types.js'

/**
 * Recorded audio of message keys, one file per locale and key, in a folder an operator fills:
 * `<dir>/<locale>/<message.key>.ogg` (Ogg Opus: Telegram and WhatsApp play it as a voice note) or
 * `.mp3`. The folder is read once at start-up; afterwards a file is only ever opened by its place
 * in that index, so no name a citizen or a browser sends reaches the file system.
 */

export const AUDIO_FORMATS = {
  ogg: { mimeType: 'audio/ogg', voice: true },
  mp3: { mimeType: 'audio/mpeg', voice: false },
} as const
export type AudioFormat = keyof typeof AUDIO_FORMATS

/** A BCP 47 or ISO 639-3 code, as the locale files are named (`es`, `quc`, `es-GT`). */
export const AUDIO_LOCALE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/
/** A message key: dotted words (`complaint.sector.prompt`); no slash, no `..`, no leading dot. */
export const AUDIO_KEY_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/
const FILE_PATTERN = /^(?<key>[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\.(?<format>ogg|mp3)$/

/** Larger than this is no spoken prompt (a minute of Opus voice is ~100 KB): skipped. */
export const MAX_RECORDING_BYTES = 2 * 1024 * 1024

export type AudioPrompt = {
  locale: string
  key: string
  format: AudioFormat
  mimeType: string
  /** Telegram and WhatsApp show it as a voice note (Ogg Opus), else as an audio file */
  voice: boolean
  size: number
  /** where the web chat page fetches it, relative to the page (`audio/es/menu.prompt.ogg`) */
  url: string
  /** absolute path of the file, from the index only */
  path: string
  /** changes when the file does (size and modification time), for ETag and upload caches */
  version: string
}

export type AudioPrompts = {
  /** the recording of a reply's message key in its locale, if the operator made one */
  find: (prompt: PromptRef | undefined) => AudioPrompt | undefined
  /** a recording by locale and file name as the web route receives them; undefined for anything not in the index */
  byFile: (locale: string, file: string) => AudioPrompt | undefined
  /** the bytes of an indexed recording */
  read: (prompt: AudioPrompt) => Promise<Buffer>
  /** every recording, by locale, keys sorted */
  list: () => Record<string, string[]>
}

export type AudioPromptsOptions = {
  /** told of files skipped (wrong name, not a recording, too large); never of message text */
  warn?: (file: string, reason: string) => void
}

/** No recordings at all: what a deployment without the folder gets. */
export const noAudioPrompts: AudioPrompts = {
  find: () => undefined,
  byFile: () => undefined,
  read: () => Promise.reject(new Error('no audio prompts')),
  list: () => ({}),
}

/**
 * Indexes the recordings under `dir`. A missing folder is no error (no recordings). Only real
 * folders and files count: a symbolic link could point anywhere, so it is skipped, as is a file
 * whose first bytes are not Ogg or MP3. With both formats for one key, the Ogg (voice note) wins.
 */
export async function loadAudioPrompts(dir: string, options: AudioPromptsOptions = {}): Promise<AudioPrompts> {
  const root = resolve(dir)
  const warn = options.warn ?? (() => {})
  const index = new Map<string, AudioPrompt>()
  const locales = await realEntries(root, 'directory')
  for (const locale of locales) {
    if (!AUDIO_LOCALE_PATTERN.test(locale)) {
      warn(locale, 'not a locale code')
      continue
    }
    for (const file of await realEntries(join(root, locale), 'file')) {
      const prompt = await indexedFile(root, locale, file, warn)
      if (!prompt) continue
      const id = `${locale}/${prompt.key}`
      const other = index.get(id)
      if (!other || (prompt.voice && !other.voice)) index.set(id, prompt)
    }
  }
  const byUrlFile = new Map([...index.values()].map((prompt) => [`${prompt.locale}/${prompt.key}.${prompt.format}`, prompt]))
  return {
    find: (prompt) => (prompt && AUDIO_KEY_PATTERN.test(prompt.key) ? index.get(`${prompt.locale}/${prompt.key}`) : undefined),
    byFile: (locale, file) => byUrlFile.get(`${locale}/${file}`),
    read: (prompt) => readCapped(prompt.path, MAX_RECORDING_BYTES),
    list: () => listOf(index.values()),
  }
}

/** Which message keys have a recording, per locale: for `npm run i18n:check`. */
export async function listRecordings(dir: string): Promise<Record<string, string[]>> {
  return (await loadAudioPrompts(dir)).list()
}

/** The recording of a reply's key, as the web chat answer names it: its URL and type. */
export function audioOf(prompts: AudioPrompts, reply: Reply): { url: string; mimeType: string } | undefined {
  const found = prompts.find(reply.prompt)
  return found ? { url: found.url, mimeType: found.mimeType } : undefined
}

async function indexedFile(root: string, locale: string, file: string, warn: (file: string, reason: string) => void): Promise<AudioPrompt | undefined> {
  const match = FILE_PATTERN.exec(file)
  const key = match?.groups?.['key']
  const format = match?.groups?.['format']
  if (key === undefined || (format !== 'ogg' && format !== 'mp3')) {
    warn(`${locale}/${file}`, 'not <message.key>.ogg or .mp3')
    return undefined
  }
  const path = join(root, locale, file)
  const stats = await lstat(path)
  if (stats.size > MAX_RECORDING_BYTES) {
    warn(`${locale}/${file}`, `larger than ${MAX_RECORDING_BYTES} bytes`)
    return undefined
  }
  const head = await readCapped(path, 4)
  if (!looksLike(format, head)) {
    warn(`${locale}/${file}`, `not an ${format === 'ogg' ? 'Ogg' : 'MP3'} file`)
    return undefined
  }
  const { mimeType, voice } = AUDIO_FORMATS[format]
  return {
    locale,
    key,
    format,
    mimeType,
    voice,
    size: stats.size,
    url: `audio/${locale}/${key}.${format}`,
    path,
    version: `${stats.size.toString(36)}-${Math.trunc(stats.mtimeMs).toString(36)}`,
  }
}

/** Ogg pages start with "OggS"; an MP3 with an ID3 tag or a frame sync (11 bits set). */
function looksLike(format: AudioFormat, head: Buffer): boolean {
  if (format === 'ogg') return head.subarray(0, 4).toString('latin1') === 'OggS'
  return head.subarray(0, 3).toString('latin1') === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)
}

/** Names of the real (not linked) folders or files in `dir`, sorted; none when it does not exist. */
async function realEntries(dir: string, kind: 'directory' | 'file'): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    return entries.filter((entry) => (kind === 'directory' ? entry.isDirectory() : entry.isFile())).map((entry) => entry.name).sort()
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return []
    throw error
  }
}

/** At most `max` bytes of a file: a recording swapped for something huge after start-up stays bounded. */
async function readCapped(path: string, max: number): Promise<Buffer> {
  // a link put in the file's place after start-up is not followed
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  try {
    const buffer = Buffer.alloc(max)
    const { bytesRead } = await handle.read(buffer, 0, max, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

function listOf(prompts: Iterable<AudioPrompt>): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const prompt of prompts) (out[prompt.locale] ??= []).push(prompt.key)
  for (const keys of Object.values(out)) keys.sort()
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)))
}
