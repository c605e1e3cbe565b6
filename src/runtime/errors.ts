/**
 * The runtime's errors, one coded class per kind, so callers (the CLI) match on `code` and not
 * on text. Every message quotes the offending collector, file, flag or value.
 */
export type RuntimeErrorCode =
  /** A `--collector.NAME…` flag or an enable list names a collector that does not exist. */
  | 'ERR_UNKNOWN_COLLECTOR'
  /** A flag under `collector.`/`collectors.` that no collector defines. */
  | 'ERR_UNKNOWN_COLLECTOR_FLAG'
  /** A flag value that does not parse (duration, number, boolean). */
  | 'ERR_INVALID_FLAG_VALUE'
  /** A collector file that cannot be loaded or whose definition is invalid. */
  | 'ERR_COLLECTOR_LOAD'
  /** Two collectors (or a collector and the registry) claim the same name or metric. */
  | 'ERR_COLLECTOR_CONFLICT';

export class CollectorRuntimeError extends Error {
  override readonly name = 'CollectorRuntimeError';
  readonly code: RuntimeErrorCode;

  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function unknownCollector(name: string, known: readonly string[]): CollectorRuntimeError {
  const list = known.length > 0 ? known.join(', ') : 'none';
  return new CollectorRuntimeError('ERR_UNKNOWN_COLLECTOR', `unknown collector "${name}" (known collectors: ${list})`);
}

export function loadError(file: string, message: string): CollectorRuntimeError {
  return new CollectorRuntimeError('ERR_COLLECTOR_LOAD', `collector file "${file}": ${message}`);
}
