// Imported by the browser, the worker and Node alike: no dependencies.

export type SuperdistErrorOptions = {
  /** What went wrong in terms a developer needs; shown after the short message. */
  details?: string | undefined;
  cause?: unknown;
};

/**
 * The base of every error the packages raise, modelled on viem's `BaseError`: a stable `code` that callers
 * branch on, a `shortMessage` for people, optional `details`, and the `cause` chain that `walk()` follows.
 */
export class SuperdistError<Code extends string = string> extends Error {
  override name = "SuperdistError";
  readonly code: Code;
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(code: Code, shortMessage: string, options: SuperdistErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: options.cause,
    });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
  }

  /**
   * The first error down the cause chain, this one included, for which `predicate` holds; without a predicate,
   * the innermost cause. Returns `null` when the predicate holds for none.
   */
  walk(predicate?: (error: unknown) => boolean): unknown {
    return walk(this, predicate);
  }
}

/** `walk()` for any thrown value, so that errors of other libraries (viem's included) are searched too. */
export function walk(error: unknown, predicate?: (error: unknown) => boolean): unknown {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    if (predicate?.(current)) return current;
    seen.add(current);
    const next = (current as { cause?: unknown }).cause;
    if (next === undefined || next === null) break;
    current = next;
  }
  return predicate ? null : current;
}

/** Whether `error` is one of ours, optionally with `code`. */
export function isSuperdistError<Code extends string = string>(
  error: unknown,
  code?: Code,
): error is SuperdistError<Code> {
  return error instanceof SuperdistError && (code === undefined || error.code === code);
}
