import type sharpModule from 'sharp'

let loading: Promise<typeof sharpModule> | undefined

/**
 * sharp (libvips) is imported on the first image, not at start-up: it costs about 25 MB of
 * resident memory that an idle instance, or one that never receives a photo, need not pay.
 */
export function loadSharp(): Promise<typeof sharpModule> {
  loading ??= import('sharp').then((module) => module.default)
  return loading
}
