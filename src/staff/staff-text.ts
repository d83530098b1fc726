import { createTranslate } from '../i18n/index.js'

/** The translate function for staff messages; pure, so one instance serves all. */
export const staffTranslate = createTranslate()
