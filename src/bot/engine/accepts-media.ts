import type { InputSpec, MediaKind } from './types.js'

/**
 * Whether a question takes a file of this kind: a media question any file; a text question that
 * allows it (`voice`) a voice note or recording in place of the words. The runtime asks this before
 * it lets the intake download anything.
 */
export function acceptsMedia(spec: InputSpec, kind: MediaKind): boolean {
  if (spec.type === 'media') return true
  return spec.type === 'text' && spec.voice === true && (kind === 'voice' || kind === 'audio')
}
