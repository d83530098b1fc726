import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'

/** A locale file: texts, nested by dotted key ("engine.help"). */
export type LocaleTree = { [key: string]: string | LocaleTree }
export const LocaleTreeSchema: z.ZodType<LocaleTree> = z.lazy(() => z.record(z.string(), z.union([z.string(), LocaleTreeSchema])))

/**
 * A BCP 47 language tag as a file name: a two- or three-letter language (ISO 639-1 or 639-3:
 * `es`, `quc`, `kek`), then optional subtags (`es-GT`). RapidPro refuses codes without an
 * ISO 639-1 code; we take any.
 */
export const LocaleCodeSchema = z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language code such as es, en, quc or es-GT')

/** The folder of the locale files that ship with Diálogo (Spanish, the fallback, and English). */
export const BUILT_IN_LOCALES_DIR = fileURLToPath(new URL('./locales/', import.meta.url))

/**
 * Reads every `<code>.json` of a folder. Throws one Error naming each bad file (a name that is no
 * language code, JSON that is not nested texts), so a wrong file stops start-up with its name.
 */
export function readLocaleFolder(dir: string): Map<string, LocaleTree> {
  const problems: string[] = []
  const trees = new Map<string, LocaleTree>()
  let names: string[]
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort()
  } catch (error) {
    throw new Error(`cannot read the locale folder ${dir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  for (const name of names) {
    const code = name.slice(0, -'.json'.length)
    if (!LocaleCodeSchema.safeParse(code).success) {
      problems.push(`${join(dir, name)}: "${code}" is not a language code (es, en, quc, es-GT …)`)
      continue
    }
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(join(dir, name), 'utf8'))
    } catch (error) {
      problems.push(`${join(dir, name)}: not JSON (${error instanceof Error ? error.message : String(error)})`)
      continue
    }
    const parsed = LocaleTreeSchema.safeParse(raw)
    if (!parsed.success) problems.push(`${join(dir, name)}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`)
    else trees.set(code, parsed.data)
  }
  if (problems.length > 0) throw new Error(`invalid locale files:\n- ${problems.join('\n- ')}`)
  return trees
}

/** The codes of the locale files in these folders, the built-in one first. */
export function localeCodesIn(dirs: readonly string[]): string[] {
  return [...new Set(dirs.flatMap((dir) => [...readLocaleFolder(dir).keys()]))]
}
