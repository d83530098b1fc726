import type { Db } from '../db/client.js'
import type { Channel, ChannelKind } from './channel.js'
import { createWebchatChannel } from './channels/webchat/webchat-channel.js'

/** The channels this deployment runs; the web chat always, others when configured. */
export function createChannels(deps: { db: Db }): Map<ChannelKind, Channel> {
  const channels = new Map<ChannelKind, Channel>()
  channels.set('webchat', createWebchatChannel(deps.db))
  return channels
}
