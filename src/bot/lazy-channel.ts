import type { Channel } from './channel.js'

/** What the app must know of a channel before its module is loaded. */
export type ChannelShape = Pick<Channel, 'kind' | 'ratePerSecond' | 'inlineReplies'>

/**
 * A channel whose module (and platform library) is imported when it first starts or sends, not
 * when the app is composed: Baileys alone is about 50 MB of resident memory, which an instance
 * that does not run WhatsApp Web should not pay, and one that does pays it only once it starts.
 * Only for channels without HTTP routes (those are mounted before anything starts).
 */
export function lazyChannel(shape: ChannelShape, load: () => Promise<Channel>): Channel {
  let loaded: Channel | undefined
  let loading: Promise<Channel> | undefined
  const channel = () =>
    (loading ??= load().then((made) => {
      loaded = made
      return made
    }))
  return {
    ...shape,
    // not loaded: not started here, so nothing to send with (the outbox leaves the rows)
    canSend: () => (loaded ? (loaded.canSend?.() ?? true) : false),
    send: async (...args) => (await channel()).send(...args),
    start: async (handle, signal) => {
      await (await channel()).start?.(handle, signal)
    },
    stop: async () => {
      await loaded?.stop?.()
    },
  }
}
