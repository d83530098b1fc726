import type { Span } from './matching-text.js'

/**
 * Where a citizen names themself: "me llamo Rosa Xiloj", "soy Juan Pérez", "mi nombre es…", "my
 * name is…", "I'm…". The capitalised words after the phrase are the name. Only those: "soy de
 * Mixco", "soy madre de tres" stay, and so do the names of others ("la mamá de Josué"), which staff
 * may need to act on the complaint.
 */

const TRIGGER = /(?<![\p{L}\p{N}])(?:me llamo|mi nombre(?: completo)? es|mi nombre ?:|my name is|i am|i'm|soy)(?: ?[,:] ?| +)/giu

// A capitalised word ("María", "García-López", "O'Neill", "XILOJ") or an initial ("P.").
const WORD = String.raw`(?:\p{Lu}\.|\p{Lu}[\p{L}\p{M}']*(?:-\p{Lu}[\p{L}\p{M}']*)*)`
// Lower-case pieces of compound names: "María de los Ángeles", "Juan y Seijas".
const PARTICLE = String.raw`(?:de|del|la|las|los|y|e|da|das|do|dos|van|von|di)`
const NAME = new RegExp(String.raw`${WORD}(?:(?: +${PARTICLE})* +${WORD}){0,6}`, 'yu')
const ONE_WORD = new RegExp(String.raw`${WORD} +`, 'yu')

/**
 * Capitalised words after "soy"/"I am" that say what someone is, not who ("Soy Madre de familia",
 * "Soy Vocal de MIFAPRO", "I am The mother"): they are skipped, and a name may still follow
 * ("Soy Maestra Ana López").
 */
const NOT_NAMES = new Set(
  [
    // articles, pronouns and particles written with a capital
    'el', 'la', 'los', 'las', 'un', 'una', 'de', 'del', 'yo', 'su', 'sus', 'mi', 'tu', 'a', 'an', 'the', 'not', 'from', 'in', 'at',
    'here', 'so', 'also', 'very', 'just', 'still', 'really', 'writing', 'calling', 'sorry', 'worried', 'afraid', 'tired',
    // roles and relations
    'madre', 'padre', 'mamá', 'papá', 'mama', 'papa', 'abuela', 'abuelo', 'hija', 'hijo', 'esposa', 'esposo', 'tía', 'tío',
    'maestra', 'maestro', 'docente', 'profesora', 'profesor', 'directora', 'director', 'enfermera', 'enfermero', 'doctora',
    'doctor', 'médica', 'médico', 'comadrona', 'promotora', 'promotor', 'vocal', 'presidenta', 'presidente', 'alcaldesa',
    'alcalde', 'líder', 'lideresa', 'miembro', 'integrante', 'vecina', 'vecino', 'estudiante', 'alumna', 'alumno', 'paciente',
    'beneficiaria', 'beneficiario', 'usuaria', 'usuario', 'ciudadana', 'ciudadano', 'comerciante', 'agricultora', 'agricultor',
    'trabajadora', 'trabajador', 'secretaria', 'secretario', 'cocinera', 'cocinero', 'persona', 'mother', 'father', 'teacher',
    'nurse', 'parent', 'patient', 'student', 'neighbour', 'neighbor',
    // peoples and places people say they are from
    'guatemalteca', 'guatemalteco', 'guatemalan', 'indígena', 'indigena', 'indigenous', 'maya', 'mayan', 'ladina', 'ladino',
    'garífuna', 'garifuna', 'xinca', 'mestiza', 'mestizo',
    "k'iche'", 'kiche', "q'eqchi'", 'qeqchi', 'kaqchikel', 'mam', "tz'utujil", 'ixil', "poqomchi'", 'chuj', "q'anjob'al",
  ].map((word) => word.toLocaleLowerCase('es')),
)

function isNotName(word: string): boolean {
  return NOT_NAMES.has(word.trim().toLocaleLowerCase('es'))
}

/** Spans of the names citizens give for themselves in `text` (its plain form), labelled `label`. */
export function selfIntroductionSpans(text: string, label: string): Span[] {
  const spans: Span[] = []
  for (const trigger of text.matchAll(TRIGGER)) {
    let at = trigger.index + trigger[0].length
    // skip the roles that come before a name, if any ("Soy Maestra Ana López")
    for (;;) {
      ONE_WORD.lastIndex = at
      const word = ONE_WORD.exec(text)
      if (!word || !isNotName(word[0])) break
      at = ONE_WORD.lastIndex
    }
    NAME.lastIndex = at
    const name = NAME.exec(text)
    if (!name || isNotName(name[0].split(' ')[0] ?? '')) continue
    spans.push({ start: at, end: at + name[0].length, label })
  }
  return spans
}
