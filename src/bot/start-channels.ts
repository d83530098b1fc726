import type { Logger } from '../log.js'
import type { Channel, InboundHandler } from './channel.js'
import type { ChannelFault, ChannelStates } from './channel-states.js'

export type StartChannelsOptions = {
  channels: Iterable<Channel>
  handle: InboundHandler
  states: ChannelStates
  logger: Logger
  /** how long one start attempt may take before it is aborted and counted as a timeout */
  attemptTimeoutMs: number
  /** the pause before attempt n + 1 after n failed; 1 s doubling to a minute unless a test passes its own */
  backoffMs?: (failures: number) => number
}

export type ChannelStarter = {
  /** aborts the attempts under way and the retries still to come */
  stop: () => void
}

/** 1 s, 2 s, 4 s … a minute between start attempts. */
export const startBackoffMs = (failures: number) => Math.min(1000 * 2 ** (failures - 1), 60_000)

/**
 * Starts every channel in the background, each on its own: a platform that does not answer
 * (Telegram's getMe, Meta's Graph API) holds back neither the HTTP server nor the other channels.
 * Each attempt gets an abort signal that fires after `attemptTimeoutMs`; a failed attempt is
 * retried with backoff until it succeeds or `stop` is called, and the channel reads as degraded
 * on `/health` meanwhile.
 */
export function startChannels(options: StartChannelsOptions): ChannelStarter {
  const backoff = options.backoffMs ?? startBackoffMs
  const stops: (() => void)[] = []
  for (const channel of options.channels) {
    const start = channel.start
    if (!start) continue
    let stopped = false
    let current: AbortController | undefined
    let retry: NodeJS.Timeout | undefined
    let failures = 0
    const attempt = async () => {
      if (stopped) return
      const controller = new AbortController()
      current = controller
      let timedOut = false
      const timer = setTimeout(() => {
        timedOut = true
        controller.abort(new Error(`the ${channel.kind} channel did not start within ${options.attemptTimeoutMs} ms`))
      }, options.attemptTimeoutMs)
      try {
        await start(options.handle, controller.signal)
        if (stopped) return
        if (failures > 0) options.logger.info({ channel: channel.kind, attempts: failures + 1 }, 'channel started after retrying')
        options.states.set(channel.kind, { state: 'ok' })
      } catch (error) {
        if (stopped) return
        failures++
        const reason = timedOut ? 'timeout' : faultOf(error)
        const delayMs = backoff(failures)
        options.states.set(channel.kind, { state: 'degraded', reason, attempts: failures })
        // the class and the error's name only: a platform's error text may quote its URL with the token
        options.logger.warn(
          { channel: channel.kind, reason, error: errorName(error), attempt: failures, retryInMs: delayMs },
          'channel did not start; retrying in the background',
        )
        retry = setTimeout(() => void attempt(), delayMs)
      } finally {
        clearTimeout(timer)
        if (current === controller) current = undefined
      }
    }
    void attempt()
    stops.push(() => {
      stopped = true
      if (retry) clearTimeout(retry)
      current?.abort(new Error('shutting down'))
    })
  }
  return { stop: () => stops.forEach((stop) => stop()) }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])

/** Which kind of failure an error is, from its shape (grammY's, fetch's, Meta's, the socket's). */
export function faultOf(error: unknown): ChannelFault {
  if (typeof error !== 'object' || error === null) return 'error'
  // the platform answered, and said no (a wrong token, a bad request)
  if ('error_code' in error && typeof error.error_code === 'number') return 'rejected'
  if ('status' in error && typeof error.status === 'number' && error.status >= 400) return 'rejected'
  for (let cause: unknown = error, depth = 0; typeof cause === 'object' && cause !== null && depth < 4; depth++) {
    if ('code' in cause && typeof cause.code === 'string' && NETWORK_CODES.has(cause.code)) return 'unreachable'
    if ('name' in cause && (cause.name === 'HttpError' || cause.name === 'AbortError' || cause.name === 'TimeoutError')) return 'unreachable'
    cause = 'cause' in cause ? cause.cause : 'error' in cause ? cause.error : undefined
  }
  return error instanceof TypeError && error.message === 'fetch failed' ? 'unreachable' : 'error'
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error
}
