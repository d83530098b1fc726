import { z } from 'zod'
import { POLL_STATUSES, RESULTS_VISIBILITIES } from '../../db/schema/index.js'
import { PollDefinitionSchema, type QuestionKind } from '../../polls/poll-definition.js'
import { PublishedCountSchema } from '../../polls/publish-results.js'
import { resultsCsv } from '../../polls/results-csv.js'

// The answers of the poll endpoints, for the OpenAPI document. They describe the JSON as written
// (instants as ISO strings), and test/api/openapi.test.ts parses real answers with them.
const Timestamp = z.iso.datetime()

/** A poll as the API shows it: its definition, with its instants written out, and where it stands. */
export const PollViewSchema = z.object({
  id: z.uuid(),
  status: z.enum(POLL_STATUSES),
  openedAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  // the definition's own schemas, so a new field of a poll cannot be left out of its answer
  ...PollDefinitionSchema.shape,
  opensAt: Timestamp,
  closesAt: Timestamp,
  remindAt: Timestamp.optional(),
})

const QUESTION_KINDS = ['single', 'multiple', 'scale', 'text', 'ranking'] as const satisfies readonly QuestionKind[]
const Kind = z.enum(QUESTION_KINDS)
const Share = z.number().min(0).max(1)
const Quorum = z.object({ required: z.number().int(), reached: z.boolean() })

const ExactOptionSchema = z.object({
  id: z.string(),
  label: z.string(),
  count: z.number().int(),
  /** of those who answered the question; for multiple choice the shares add up to more than 1 */
  share: Share,
  /** rankings only: truncated Borda points */
  borda: z.number().optional(),
  firstPlaces: z.number().int().optional(),
  /** rankings only: options with equal points share a rank */
  rank: z.number().int().optional(),
  tied: z.boolean().optional(),
})
const ExactQuestionSchema = z.object({
  id: z.string(),
  kind: Kind,
  text: z.string(),
  responses: z.number().int(),
  options: z.array(ExactOptionSchema).optional(),
  scale: z.object({ mean: z.number().nullable(), distribution: z.array(z.object({ value: z.number(), count: z.number().int(), share: Share })) }).optional(),
  /** free-text answers, for admins only */
  texts: z.array(z.string()).optional(),
})
const ExactSlice = {
  invited: z.number().int(),
  respondents: z.number().int(),
  completed: z.number().int(),
  /** respondents over invited */
  responseRate: z.number(),
  questions: z.array(ExactQuestionSchema),
}
/** Exact results, as an admin reads them (free texts included). */
export const ExactResultsSchema = z.object({
  pollId: z.uuid(),
  title: z.string(),
  status: z.enum(POLL_STATUSES),
  resultsVisibility: z.enum(RESULTS_VISIBILITIES),
  closesAt: Timestamp,
  ...ExactSlice,
  /** when the audience spans several municipalities */
  byMunicipality: z.array(z.object({ municipalityCode: z.string().nullable(), ...ExactSlice })).optional(),
  quorum: Quorum.optional(),
})

/** a count as published: a number, or "<5" / "x" where withheld */
const Count = PublishedCountSchema
const PublishedQuestionSchema = z.object({
  id: z.string(),
  kind: Kind,
  text: z.string(),
  responses: Count,
  /** too few answered it here (or elsewhere, so that these had to go too) */
  withheld: z.boolean(),
  options: z
    .array(z.object({ id: z.string(), label: z.string(), count: Count, share: z.number().optional(), borda: z.number().optional(), firstPlaces: Count.optional(), rank: z.number().int().optional(), tied: z.boolean().optional() }))
    .optional(),
  /** `mean` is null when a count behind it is withheld */
  scale: z.object({ mean: z.number().nullable(), distribution: z.array(z.object({ value: z.number(), count: Count, share: z.number().optional() })) }).optional(),
})
const PublishedSlice = {
  invited: z.number().int(),
  respondents: Count,
  completed: z.number().int().optional(),
  responseRate: z.number().optional(),
  withheld: z.boolean(),
  questions: z.array(PublishedQuestionSchema),
}
/** The stored publication of a closed poll: no free texts, no slice under k, small counts withheld. */
export const PublishedResultsSchema = z.object({
  pollId: z.uuid(),
  title: z.string(),
  status: z.enum(POLL_STATUSES),
  resultsVisibility: z.enum(RESULTS_VISIBILITIES),
  closesAt: Timestamp,
  /** the smallest count published as is */
  minCell: z.number().int(),
  publishedAt: Timestamp,
  ...PublishedSlice,
  byMunicipality: z.array(z.object({ municipalityCode: z.string().nullable(), ...PublishedSlice })).optional(),
  /** `reached` is null where saying it would bound a withheld count of respondents */
  quorum: z.object({ required: z.number().int(), reached: z.boolean().nullable() }).optional(),
})

/** An admin reads exact results; a facilitator the publication of a closed poll. */
export const PollResultsSchema = z.union([ExactResultsSchema, PublishedResultsSchema])

const POLL_ID = '5b0e7c2a-1d3f-4e8a-9c6b-2f4d8a1e0c37'
const pollView: z.infer<typeof PollViewSchema> = {
  id: POLL_ID,
  status: 'scheduled',
  openedAt: null,
  closedAt: null,
  createdAt: '2026-11-25T15:00:00.000Z',
  updatedAt: '2026-11-25T15:00:00.000Z',
  title: { es: 'Prioridades de inversión 2027', en: '2027 investment priorities' },
  questions: [
    {
      id: 'service',
      kind: 'single',
      text: { es: '¿Qué servicio usa más?' },
      options: [
        { id: 'health', label: { es: 'Salud' } },
        { id: 'school', label: { es: 'Escuela' } },
      ],
    },
    { id: 'trust', kind: 'scale', min: 1, max: 5, text: { es: '¿Cuánto confía en la municipalidad?' } },
  ],
  audience: { groups: [], municipalities: ['0108'] },
  opensAt: '2026-12-01T14:00:00.000Z',
  closesAt: '2026-12-09T00:00:00.000Z',
  resultsVisibility: 'public',
}
const head = { pollId: POLL_ID, title: 'Prioridades de inversión 2027', status: 'closed' as const, resultsVisibility: 'public' as const, closesAt: '2026-12-09T00:00:00.000Z' }

const exactResults: z.infer<typeof ExactResultsSchema> = {
  ...head,
  invited: 12,
  respondents: 9,
  completed: 8,
  responseRate: 0.75,
  questions: [
    {
      id: 'service',
      kind: 'single',
      text: '¿Qué servicio usa más?',
      responses: 9,
      options: [
        { id: 'health', label: 'Salud', count: 6, share: 0.6667 },
        { id: 'school', label: 'Escuela', count: 3, share: 0.3333 },
      ],
    },
    { id: 'comment', kind: 'text', text: '¿Algo más que quiera decir?', responses: 2, texts: ['Más médicos', 'Agua potable'] },
  ],
}
const publishedResults: z.infer<typeof PublishedResultsSchema> = {
  ...head,
  minCell: 5,
  publishedAt: '2026-12-09T00:01:00.000Z',
  invited: 12,
  respondents: 9,
  completed: 8,
  responseRate: 0.75,
  withheld: false,
  questions: [
    {
      id: 'service',
      kind: 'single',
      text: '¿Qué servicio usa más?',
      responses: 9,
      withheld: false,
      options: [
        { id: 'health', label: 'Salud', count: 6, share: 0.6667 },
        { id: 'school', label: 'Escuela', count: '<5' },
      ],
    },
    { id: 'trust', kind: 'scale', text: '¿Cuánto confía en la municipalidad?', responses: 9, withheld: false, scale: { mean: null, distribution: [{ value: 1, count: '<5' }, { value: 5, count: 'x' }] } },
  ],
}

/** Examples as the endpoints write them; the OpenAPI test parses each with its schema. */
export const pollExamples = {
  view: pollView,
  list: [pollView],
  results: exactResults,
  publicResults: publishedResults,
  /** written by the CSV writer itself, so the example is the format */
  resultsCsv: resultsCsv(publishedResults),
  resultsHtml: '<!doctype html><html lang="es"><title>Prioridades de inversión 2027</title><meter value="6" max="9"></meter>',
}
