/** The one line an operator sees when a setting is wrong (src/lib/config.ts, src/lib/sign-on-config.ts). */
export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The environment variables as the process has them. */
export type Env = Record<string, string | undefined>;
