import { SuperdistError, type SuperdistErrorOptions } from "@superdist/errors";

/** Exit codes a script can rely on. */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  /** `open`: the copy is licensed to someone else; buy your own through it. */
  notLicensed: 3,
  /** The user declined a confirmation. */
  declined: 4,
  /** `buy`: the license is paid for and yours, but the copy is not re-keyed yet; the printed command finishes it. */
  paidNotRekeyed: 5,
} as const;

export type CliErrorCode =
  | "USAGE"
  | "CONFIG"
  | "WALLET_MISSING"
  | "WALLET_INVALID"
  | "IDENTITY_MISSING"
  | "IDENTITY_EXISTS"
  | "FILE_NOT_FOUND"
  | "OUTPUT_EXISTS"
  | "NOT_LICENSED"
  | "NO_LICENSE"
  | "DECLINED"
  | "ALREADY_OWNED"
  | "PAID_NOT_REKEYED"
  | "CHAIN"
  | "TRANSACTION_REVERTED";

/** An error the CLI reports as one line, with a stable code for `--json` and an exit code. */
export class CliError extends SuperdistError<CliErrorCode> {
  override name = "CliError";
  readonly exitCode: number;
  /** Facts a script needs beside the error in `--json`, e.g. the license a failed re-key leaves to finish. */
  readonly data: Record<string, unknown> | undefined;
  constructor(
    code: CliErrorCode,
    message: string,
    options: SuperdistErrorOptions & { exitCode?: number; data?: Record<string, unknown> } = {},
  ) {
    super(code, message, options);
    this.exitCode = options.exitCode ?? (code === "USAGE" ? ExitCode.usage : ExitCode.error);
    this.data = options.data;
  }
}
