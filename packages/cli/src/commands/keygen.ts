import { identityFile } from "../config.ts";
import { ExitCode } from "../errors.ts";
import { createIdentityFile } from "../identity.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { emit } from "../output.ts";

/** `superdist keygen [--identity <file>] [--force]` */
export async function keygen(_positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const path = identityFile(options, io);
  const recipient = await createIdentityFile(path, options.force ?? false);
  emit(
    { json: options.json ?? false, io },
    `Created ${path} (mode 0600).\nThis device's recipient: ${recipient}\nThe age tool reads it too: age -d -i ${path} <package>`,
    { identityFile: path, recipient },
  );
  return ExitCode.ok;
}
