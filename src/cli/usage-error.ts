/** Bad input on the command line, in the environment or in the config file: exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_USAGE';
  /** The process exit status for bad input, as Go's flag packages use. */
  readonly exitCode = 2;

  constructor(message: string) {
    // One line: the CLI prints exactly this.
    super(message.replace(/\s*\n\s*/g, ' ').trim());
  }
}
