import type { Reply } from '../../../src/bot/engine/types.js'
import { createWebchatChannel } from '../../../src/bot/channels/webchat/webchat-channel.js'
import { conversationKeys } from '../../../src/bot/channels/webchat/conversation-keys.js'
import { loadAppSecret } from '../../../src/db/app-secret.js'
import { openDatabase } from '../../../src/db/client.js'
import { testApp, webchatSecret } from '../../support/app.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { CONTRACT_MEDIA_LIMIT, type ContractCitizen, runChannelContract } from '../channel-contract.js'

runChannelContract({
  kind: 'webchat',
  async start(database) {
    const composed = await testApp(database, undefined, silentLogger, { MEDIA_MAX_BYTES: CONTRACT_MEDIA_LIMIT })
    const keys = conversationKeys(await loadAppSecret(database.db, 'webchat-conversation'))
    const citizen = (n: number): ContractCitizen => {
      const conversationId = webchatSecret(`contract-webchat-${n}`)
      let counter = 0
      let lastBody: Record<string, unknown> = {}
      let last: Reply[] = []
      // the page's request: a JSON body with the conversation secret and a message id of its own
      async function post(body: Record<string, unknown>): Promise<string> {
        const response = await composed.app.request('/webchat/messages', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        if (response.status !== 200) throw new Error(`webchat answered ${response.status}: ${await response.text()}`)
        last = ((await response.json()) as { replies: Reply[] }).replies
        return last.map((reply) => reply.text).join('\n')
      }
      const send = (fields: Record<string, unknown>) => {
        lastBody = { conversationId, messageId: `contract-${n}-${++counter}`, ...fields }
        return post(lastBody)
      }
      const attach = (file: Buffer, mimeType: string) => send({ media: { mimeType, dataBase64: file.toString('base64') } })
      return {
        say: (text) => send({ text }),
        press: (label) => {
          const choice = last.flatMap((reply) => reply.choices ?? []).find((candidate) => label.test(candidate.label))
          if (!choice) throw new Error(`no choice matching ${label}`)
          return send({ choiceId: choice.id })
        },
        share: (latitude, longitude) => send({ location: { latitude, longitude } }),
        attach,
        attachTooLarge: () => attach(Buffer.alloc(CONTRACT_MEDIA_LIMIT + 1, 1), 'application/pdf'),
        repeatLast: () => post(lastBody),
        // the server keeps the message id only as a keyed hash
        lastExternalId: () => keys.message(conversationId, String(lastBody['messageId'])),
      }
    }
    return {
      citizen,
      // the file is in the request: nothing is downloaded from elsewhere
      downloads: () => 0,
      async failingSend() {
        // a later message (a status update) is kept for the page in the database; one it cannot reach fails
        const gone = await openDatabase({ kind: 'pglite' })
        await gone.close()
        return { channel: createWebchatChannel(gone.db), address: 'conversation-key' }
      },
      close: async () => {},
    }
  },
})
