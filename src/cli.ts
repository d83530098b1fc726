import { runCli } from './cli/run-cli.js'
import { loadDotEnv } from './config.js'

// Files the CLI creates (an embedded database it opens itself) are its user's only, as the app's.
process.umask(0o077)
loadDotEnv()
runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) })
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
