import type { z } from 'zod'
import type { FlowSchema } from '../bot/engine/index.js'

/** A flow as written by hand: defaults (option aliases, text limits) may be left out. */
export type FlowDefinition = z.input<typeof FlowSchema>
