import { resolve } from "node:path";

/**
 * Everything the CLI reads from or writes to its surroundings. `main` defaults each part to the process's own, so
 * that the bin is a thin shell, and a test or another program can run the CLI in-process with its own streams,
 * environment and working directory.
 */
export type CliIO = {
  stdout: NodeJS.WritableStream;
  /** Progress and prompts go here; `isTTY` decides between redrawing in place and plain lines. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Confirmations are read from here, and only asked when `isTTY`. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Relative paths of flags and arguments are taken from here. */
  cwd: string;
  /** Ends a command that runs until stopped (`share`), as Ctrl-C does; without it, SIGINT and SIGTERM do. */
  signal?: AbortSignal;
};

export function processIO(overrides: Partial<CliIO> = {}): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    ...overrides,
  };
}

export function resolvePath(io: Pick<CliIO, "cwd">, path: string): string {
  return resolve(io.cwd, path);
}
