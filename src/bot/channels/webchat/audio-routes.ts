import { Hono } from 'hono'
import { problem } from '../../../http/problem.js'
import { AUDIO_LOCALE_PATTERN, type AudioPrompts } from '../../audio-prompts.js'

const FILE_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.(ogg|mp3)$/
/** a day: recordings change rarely, and the ETag catches it when one does */
const MAX_AGE_SECONDS = 86_400

/**
 * `GET /audio/<locale>/<message.key>.ogg|mp3`: the recordings the web chat's play buttons fetch.
 * Only files in the start-up index are served, by their indexed path: any other name (a `..`, an
 * encoded slash, a file added since) is not found, the same answer as a missing recording.
 */
export function createAudioRoutes(prompts: AudioPrompts): Hono {
  const app = new Hono()
  app.get('/audio/:locale/:file', async (c) => {
    const { locale, file } = c.req.param()
    const found = AUDIO_LOCALE_PATTERN.test(locale) && FILE_NAME.test(file) ? prompts.byFile(locale, file) : undefined
    if (!found) return problem(c, 404, 'no such recording')
    const etag = `"${found.version}"`
    const headers = { 'cache-control': `public, max-age=${MAX_AGE_SECONDS}`, etag, 'accept-ranges': 'none' }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    const bytes = await prompts.read(found)
    return c.body(new Uint8Array(bytes), 200, { ...headers, 'content-type': found.mimeType, 'content-length': String(bytes.length) })
  })
  return app
}
