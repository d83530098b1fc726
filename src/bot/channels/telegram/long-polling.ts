import { createRunner, createSource, createUpdateFetcher, type FetchOptions, type RunnerHandle, type UpdateSink } from '@grammyjs/runner'
import { BotError, type Bot } from 'grammy'
import type { Update } from 'grammy/types'

/**
 * Long polling that confirms an update only once it was handled. grammY's `run` hands updates to
 * a concurrent sink and fetches the next batch at once, and that next getUpdates' offset tells
 * Telegram to forget the batch: a process killed then loses the updates still being handled.
 * Here a batch is handled in full (chats concurrently, each chat in order through `sequentialize`)
 * before the next getUpdates confirms it, so a crash makes Telegram hand the batch out again and
 * the runtime's dedupe drops the updates that were already done.
 */
export function startLongPolling(bot: Bot, allowedUpdates: FetchOptions['allowed_updates']): RunnerHandle {
  // silent: the fetcher would print its errors, whose URL carries the token
  const fetchUpdates = createUpdateFetcher(bot, { fetch: { allowed_updates: allowedUpdates }, silent: true })
  const handleOne = async (update: Update) => {
    try {
      await bot.handleUpdate(update)
    } catch (error) {
      if (error instanceof BotError) await bot.errorHandler(error)
      else throw error
    }
  }
  let handling = 0
  let current: Update[] = []
  const sink: UpdateSink<Update> = {
    handle: async (updates) => {
      current = updates
      handling = updates.length
      await Promise.allSettled(updates.map((update) => handleOne(update).finally(() => handling--)))
      current = []
      return Infinity
    },
    size: () => handling,
    snapshot: () => current,
  }
  const runner = createRunner(createSource({ supply: fetchUpdates }), sink)
  runner.start()
  return runner
}
