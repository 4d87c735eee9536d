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
  | "CHAIN"
  | "TRANSACTION_REVERTED";

/** An error the CLI reports as one line, with a stable code for `--json` and an exit code. */
export class CliError extends SuperdistError<CliErrorCode> {
  override name = "CliError";
  readonly exitCode: number;
  constructor(
    code: CliErrorCode,
    message: string,
    options: SuperdistErrorOptions & { exitCode?: number } = {},
  ) {
    super(code, message, options);
    this.exitCode = options.exitCode ?? (code === "USAGE" ? ExitCode.usage : ExitCode.error);
  }
}
