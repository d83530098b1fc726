import { Hono } from 'hono'
import { problem } from '../../../http/problem.js'
import { AUDIO_LOCALE_PATTERN, type AudioPrompts } from '../../audio-prompts.js'

const FILE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(ogg|mp3)$/
/** a day: recordings change rarely, and the ETag catches it when one does */
const MAX_AGE_SECONDS = 86_400
const RANGE = /^bytes=(\d*)-(\d*)$/

/**
 * `GET /audio/<locale>/<message.key>.ogg|mp3`: the recordings the web chat's play buttons fetch.
 * Only files in the start-up index are served, by their indexed path; any other name (a `..`, an
 * encoded slash, a file added since) is not found, the same answer as a missing recording. One
 * byte range is honoured, as Safari's player asks for one before it plays anything.
 */
export function createAudioRoutes(prompts: AudioPrompts): Hono {
  const app = new Hono()
  app.get('/audio/:locale/:file', async (c) => {
    const { locale, file } = c.req.param()
    const found = AUDIO_LOCALE_PATTERN.test(locale) && FILE_NAME.test(file) ? prompts.byFile(locale, file) : undefined
    if (!found) return problem(c, 404, 'no such recording')
    const etag = `"${found.version}"`
    const headers = { 'cache-control': `public, max-age=${MAX_AGE_SECONDS}`, etag, 'accept-ranges': 'bytes' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    const bytes = await prompts.read(found)
    const range = rangeOf(c.req.header('range'), bytes.length)
    if (range === 'unsatisfiable') return c.body(null, 416, { ...headers, 'content-range': `bytes */${bytes.length}` })
    if (range) {
      const part = bytes.subarray(range.start, range.end + 1)
      return c.body(new Uint8Array(part), 206, {
        ...headers,
        'content-type': found.mimeType,
        'content-length': String(part.length),
        'content-range': `bytes ${range.start}-${range.end}/${bytes.length}`,
      })
    }
    return c.body(new Uint8Array(bytes), 200, { ...headers, 'content-type': found.mimeType, 'content-length': String(bytes.length) })
  })
  return app
}

/** One `bytes=a-b`, `a-` or `-n` range of a file of `size` bytes; anything else is the whole file. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : RANGE.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return undefined
  const [first, last] = [match[1] ?? '', match[2] ?? '']
  const start = first === '' ? Math.max(0, size - Number(last)) : Number(first)
  const end = first === '' || last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return { start, end }
}
