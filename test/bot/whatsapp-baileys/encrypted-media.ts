import { readFile, rm } from 'node:fs/promises'
import { encryptedStream, type MediaType } from '@whiskeysockets/baileys'
import { startLocalServer } from '../../support/local-http-server.js'

/**
 * Files encrypted the way WhatsApp stores media (Baileys' own encryptedStream), served from
 * 127.0.0.1 so the adapter's real downloadMediaMessage fetches and decrypts them.
 */
export async function encryptedMediaServer() {
  const files = new Map<string, Buffer>()
  let downloads = 0
  const server = await startLocalServer((request, response) => {
    const file = files.get(request.path)
    if (file) downloads++
    response.writeHead(file ? 200 : 404).end(file)
  })
  return {
    /** encrypts `content` and answers the url and key a media message carries */
    async add(name: string, content: Buffer, type: MediaType) {
      const encrypted = await encryptedStream(content, type)
      files.set(`/${name}`, await readFile(encrypted.encFilePath))
      await rm(encrypted.encFilePath, { force: true })
      return { url: `${server.url}/${name}`, mediaKey: encrypted.mediaKey, fileLength: content.length }
    },
    /** how many files were fetched so far: a file no question expects is never downloaded */
    downloads: () => downloads,
    close: server.close,
  }
}
