import type { Api } from 'grammy'

/** The file was larger than we keep. */
export class FileTooLargeError extends Error {}

/**
 * Fetches a file a citizen sent through getFile and the Bot API's file endpoint. Telegram's links
 * expire, so evidence is downloaded when it arrives. Refuses before downloading when Telegram
 * reports a size over the limit, and stops reading once the body passes it.
 */
export async function downloadFile(
  api: Api,
  fileId: string,
  options: { apiRoot: string; token: string; maxBytes: number; knownSize?: number },
): Promise<Buffer> {
  if (options.knownSize !== undefined && options.knownSize > options.maxBytes) throw new FileTooLargeError()
  const file = await api.getFile(fileId)
  if (file.file_size !== undefined && file.file_size > options.maxBytes) throw new FileTooLargeError()
  if (!file.file_path) throw new Error('getFile gave no file_path (files over 20 MB cannot be downloaded)')
  const response = await fetch(`${options.apiRoot}/file/bot${options.token}/${file.file_path}`)
  if (!response.ok || !response.body) throw new Error(`file download answered ${response.status}`)
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body) {
    size += chunk.length
    if (size > options.maxBytes) {
      await response.body.cancel().catch(() => undefined)
      throw new FileTooLargeError()
    }
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}
