import { type Api, InputFile } from 'grammy'
import type { Logger } from '../../../log.js'
import type { AudioPrompts } from '../../audio-prompts.js'
import type { Reply } from '../../engine/types.js'

/**
 * Sends the operator's recording of a reply's message key, if there is one: an Ogg Opus file as
 * a voice note (sendVoice), an MP3 as audio (sendAudio). Uploaded once per file and version, then
 * sent again by the file_id Telegram gave back. Best effort: the text is what must arrive, so a
 * failed recording is logged (its key, never the chat) and the text goes alone.
 */
export function createRecordingSender(api: Api, prompts: AudioPrompts, logger: Logger) {
  const fileIds = new Map<string, string>()
  return async (chatId: string, reply: Reply): Promise<void> => {
    const found = prompts.find(reply.prompt)
    if (!found) return
    const cacheKey = `${found.path}#${found.version}`
    const known = fileIds.get(cacheKey)
    try {
      const file = known ?? new InputFile(await prompts.read(found), `${found.key}.${found.format}`)
      const fileId = found.voice ? (await api.sendVoice(chatId, file)).voice.file_id : (await api.sendAudio(chatId, file)).audio.file_id
      if (fileId) fileIds.set(cacheKey, fileId)
    } catch (error) {
      // a file_id Telegram no longer knows is uploaded afresh next time
      fileIds.delete(cacheKey)
      logger.warn({ err: error, key: found.key, locale: found.locale }, 'telegram recording not sent; the text went alone')
    }
  }
}
