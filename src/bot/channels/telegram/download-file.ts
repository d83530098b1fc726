import type { Api } from 'grammy'
import { MediaTooLargeError } from '../../../media/store-media.js'

/**
 * Fetches a file a citizen sent through getFile and the Bot API's file endpoint. Telegram's links
 * expire, so evidence is downloaded when it arrives (at a question that expects it). Refuses before downloading when Telegram
 * reports a size over the limit, and stops reading once the body passes it.
 */
export async function downloadFile(
  api: Api,
  fileId: string,
  options: { apiRoot: string; token: string; maxBytes: number; knownSize?: number },
): Promise<Buffer> {
  if (options.knownSize !== undefined && options.knownSize > options.maxBytes) throw new MediaTooLargeError(options.knownSize, options.maxBytes)
  const file = await api.getFile(fileId)
  if (file.file_size !== undefined && file.file_size > options.maxBytes) throw new MediaTooLargeError(file.file_size, options.maxBytes)
  if (!file.file_path) throw new Error('getFile gave no file_path (files over 20 MB cannot be downloaded)')
  const response = await fetch(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`)
  if (!response.ok || !response.body) throw new Error(`file download answered ${response.status}`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.length
    if (size > options.maxBytes) {
      await response.body.cancel().catch(() => undefined)
      throw new MediaTooLargeError(size, options.maxBytes)
    }
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}
