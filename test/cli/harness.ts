/** Runs the CLI in this process, through `main` with its own streams, working directory and environment. */
import { Readable, Writable } from "node:stream";
import { main } from "../../packages/cli/src/main.ts";

export type CliResult = { code: number; stdout: string; stderr: string; bytes: Buffer };

/** A stream that keeps what is written to it, as a terminal would show it. */
export class Captured extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export type RunCliOptions = {
  cwd: string;
  env: Record<string, string>;
  /** What the user types; a terminal only if `tty`. */
  input?: string;
  tty?: boolean;
};

export async function runCli(argv: string[], options: RunCliOptions): Promise<CliResult> {
  const stdout = new Captured();
  const stderr = new Captured();
  const stdin = Object.assign(Readable.from(options.input === undefined ? [] : [options.input]), {
    isTTY: options.tty ?? false,
  });
  const code = await main(argv, { stdout, stderr, stdin, cwd: options.cwd, env: options.env });
  const bytes = stdout.bytes();
  return { code, stdout: bytes.toString("utf8"), stderr: stderr.bytes().toString("utf8"), bytes };
}
