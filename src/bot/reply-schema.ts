import { z } from 'zod'
import type { Reply } from './engine/types.js'

/** A Reply read back from the outbox (JSON from the database is parsed, never trusted). */
export const ReplySchema = z.object({
  text: z.string(),
  choices: z.array(z.object({ id: z.string(), label: z.string() })).optional(),
  expects: z.enum(['text', 'choice', 'number', 'yesno', 'location', 'media']).optional(),
  ends: z.boolean().optional(),
  takesVoice: z.boolean().optional(),
  /** the message key the text was built from; a recording of it may go out beside the text */
  prompt: z.object({ key: z.string(), locale: z.string() }).optional(),
}) satisfies z.ZodType<Reply>
