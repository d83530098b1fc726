import { runCli } from './cli/run-cli.js'
import { loadDotEnv } from './config.js'

loadDotEnv()
runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) })
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
