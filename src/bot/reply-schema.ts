import { z } from 'zod'
import type { Reply } from './engine/types.js'

/** A Reply read back from the outbox (JSON from the database is parsed, never trusted). */
export const ReplySchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  expects: z.enum(['text', 'choice', 'number', 'yesno', 'location', 'media']).optional(),
  ends: z.boolean().optional(),
}) satisfies z.ZodType<Reply>
