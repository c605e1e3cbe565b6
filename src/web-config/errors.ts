/** A web config file that cannot be used: the message names the file and the problem, on one line. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
  readonly code = 'ERR_WEB_CONFIG';

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`web config file "${file}": ${problem.replace(/\s*\n\s*/g, ' ').trim()}`);
  }
}

/** Throws a WebConfigError for `file`. */
export type Fail = (problem: string) => never;

export function failFor(file: string): Fail {
  return (problem) => {
    throw new WebConfigError(file, problem);
  };
}
