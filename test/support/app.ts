import type { Hono } from 'hono'
import type { Reply } from '../../src/bot/engine/types.js'
import { type Composed, compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { silentLogger } from './tiny-engine.js'

/** The real app on a test database, as main.ts wires it. */
export async function testApp(database: Database, now?: () => Date): Promise<Composed> {
  return compose({
    database,
    config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 50 },
    logger: silentLogger,
    now,
  })
}

/** A web chat conversation: each `say` posts like the page does and returns the bot's replies. */
export function webchatConversation(app: Hono, conversationId: string) {
  let counter = 0
  async function post(body: { text?: string; choiceId?: string }): Promise<Reply[]> {
    counter++
    const response = await app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId, messageId: `msg-${counter}-${conversationId}`, ...body }),
    })
    if (response.status !== 200) throw new Error(`webchat answered ${response.status}: ${await response.text()}`)
    const json = (await response.json()) as { replies: Reply[] }
    return json.replies
  }
  let last: Reply[] = []
  return {
    say: async (text: string) => (last = await post({ text })),
    /** presses the offered button whose label matches */
    press: async (label: RegExp) => {
      const choice = last.flatMap((reply) => reply.choices ?? []).find((c) => label.test(c.label))
      if (!choice) throw new Error(`no choice matching ${label} in ${JSON.stringify(last)}`)
      return (last = await post({ choiceId: choice.id }))
    },
    text: () => last.map((reply) => reply.text).join('\n'),
  }
}
