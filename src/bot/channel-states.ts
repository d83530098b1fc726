import type { Channel, ChannelKind } from './channel.js'

/**
 * Why a channel is not working, as a class: health answers carry no error text, since a platform's
 * error may quote a token, a phone number or a chat id.
 */
export const CHANNEL_FAULTS = ['timeout', 'unreachable', 'rejected', 'not-connected', 'error'] as const
export type ChannelFault = (typeof CHANNEL_FAULTS)[number]

export type ChannelState =
  | { state: 'ok' }
  | { state: 'starting' }
  | { state: 'degraded'; reason: ChannelFault; attempts: number }

/** What each channel of this instance is doing; the start-up supervisor writes, `/health` reads. */
export type ChannelStates = {
  set: (kind: ChannelKind, state: ChannelState) => void
  snapshot: () => Partial<Record<ChannelKind, ChannelState>>
}

/**
 * The states of `channels`: those that have nothing to start (the web chat) are `ok` at once, the
 * others `starting` until their start succeeds. A started channel that reports it cannot send
 * (a Baileys socket not open) reads as degraded.
 */
export function createChannelStates(channels: Iterable<Channel>): ChannelStates {
  const byKind = new Map<ChannelKind, { channel: Channel; state: ChannelState }>()
  for (const channel of channels) byKind.set(channel.kind, { channel, state: channel.start ? { state: 'starting' } : { state: 'ok' } })
  return {
    set(kind, state) {
      const entry = byKind.get(kind)
      if (entry) entry.state = state
    },
    snapshot() {
      const out: Partial<Record<ChannelKind, ChannelState>> = {}
      for (const [kind, { channel, state }] of byKind) {
        const cannotSend = state.state === 'ok' && channel.canSend !== undefined && !channel.canSend()
        out[kind] = cannotSend ? { state: 'degraded', reason: 'not-connected', attempts: 0 } : state
      }
      return out
    },
  }
}
