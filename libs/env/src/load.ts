import { EnvError, parseEnv, type EnvOf, type Schema } from './schema.js';

/**
 * The only place the process environment is read. On a bad value it prints one line naming the
 * variable and exits, which is what an operator reading a crash-looping pod needs.
 */
export function loadEnvOrExit<S extends Schema>(schema: S, source: Record<string, string | undefined> = process.env): EnvOf<S> {
  try {
    return parseEnv(schema, source);
  } catch (err) {
    if (err instanceof EnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

/** Read-only view of the raw environment, for tools that pass it on to child processes. */
export function processEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
