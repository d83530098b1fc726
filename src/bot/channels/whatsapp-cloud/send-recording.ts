import type { Logger } from '../../../log.js'
import type { AudioPrompts } from '../../audio-prompts.js'
import type { Reply } from '../../engine/types.js'
import type { GraphApi } from './graph-api.js'

/** Meta keeps an uploaded file 30 days; uploading again after a week stays well inside that. */
const REUPLOAD_AFTER_MS = 7 * 24 * 3_600_000
/** WhatsApp plays an Ogg only when its type names the Opus codec */
const UPLOAD_TYPE = { ogg: 'audio/ogg; codecs=opus', mp3: 'audio/mpeg' } as const

/**
 * Sends the operator's recording of a reply's message key, if there is one: uploaded to the
 * Graph API once a week per file (no public URL of this app is needed), then sent by media id,
 * an Ogg Opus as a voice note (`voice: true`). Best effort, like Telegram's: a recording that
 * fails is logged by its key and the text goes alone.
 */
export function createCloudRecordingSender(graph: GraphApi, prompts: AudioPrompts, logger: Logger, now: () => Date) {
  const uploads = new Map<string, { id: string; at: number }>()
  async function mediaId(prompt: NonNullable<ReturnType<AudioPrompts['find']>>): Promise<string | undefined> {
    const cacheKey = `${prompt.path}#${prompt.version}`
    const known = uploads.get(cacheKey)
    if (known && now().getTime() - known.at < REUPLOAD_AFTER_MS) return known.id
    const uploaded = await graph.uploadMedia(await prompts.read(prompt), UPLOAD_TYPE[prompt.format], `${prompt.key}.${prompt.format}`)
    if (!uploaded.ok) {
      logger.warn({ key: prompt.key, locale: prompt.locale, status: uploaded.status, code: uploaded.code }, 'WhatsApp recording upload failed')
      return undefined
    }
    uploads.set(cacheKey, { id: uploaded.id, at: now().getTime() })
    return uploaded.id
  }
  return async (to: string, reply: Reply): Promise<void> => {
    const found = prompts.find(reply.prompt)
    if (!found) return
    try {
      const id = await mediaId(found)
      if (id === undefined) return
      const sent = await graph.sendMessage({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to,
        type: 'audio',
        audio: found.voice ? { id, voice: true } : { id },
      })
      if (!sent.ok) {
        // a media id Meta no longer has is uploaded afresh next time
        uploads.delete(`${found.path}#${found.version}`)
        logger.warn({ key: found.key, locale: found.locale, status: sent.status, code: sent.code }, 'WhatsApp recording not sent; the text went alone')
      }
    } catch (error) {
      logger.warn({ err: error, key: found.key, locale: found.locale }, 'WhatsApp recording not sent; the text went alone')
    }
  }
}
