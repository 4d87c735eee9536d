import { stat } from "node:fs/promises";
import { unwrapFileKey } from "@superdist/package";
import { decryptFile } from "@superdist/package/node";
import { loadContext } from "../config.ts";
import { plaintextName, readCopy } from "../copy.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";
import { progressBar } from "../progress.ts";

/**
 * `superdist open <package> [-o <file>]`: the security check. A copy keyed to this device decrypts; any other
 * copy names the license it belongs to and how to buy your own through it.
 */
export async function open(positionals: string[], options: ParsedOptions): Promise<number> {
  const [path] = positionals;
  if (!path) throw new CliError("USAGE", "Usage: superdist open <package> [-o <file>]");
  const ctx = await loadContext(options);
  const copy = await readCopy(ctx, path);
  const { identities } = await readIdentityFile(ctx.identityFile);
  const { lineage } = copy.header;

  if ((await unwrapFileKey(copy.header, identities)) === null) {
    const link = `${ctx.dappUrl}/content/${lineage.contentId}?ref=${lineage.holderTokenId}`;
    const owner =
      lineage.holderTokenId === 0n ? "the publisher's copy" : `licensed to #${lineage.holderTokenId}`;
    const lines = [
      `This copy is ${owner} (${copy.holder}), not to you.`,
      `Buying your own license through it costs ${amount(copy.content.price, copy.currency)} and rewards #${lineage.holderTokenId}'s lineage.`,
      `  buy in the browser: ${link}`,
      `  or here:            superdist buy ${path}`,
    ];
    if (ctx.json) {
      emit(ctx, "", {
        licensed: false,
        holderTokenId: lineage.holderTokenId,
        holder: copy.holder,
        contentId: lineage.contentId,
        price: copy.content.price,
        currency: copy.currency,
        purchaseUrl: link,
        command: `superdist buy ${path}`,
      });
    } else process.stderr.write(`${lines.join("\n")}\n`);
    return ExitCode.notLicensed;
  }

  const output = options.output ?? plaintextName(path);
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
  const progress = progressBar("decrypting", !ctx.json);
  await decryptFile(path, output, identities, (done, total) => progress.update(done, total));
  progress.finish();
  emit(ctx, `Opened "${copy.content.title}" → ${output}`, {
    licensed: true,
    output,
    contentId: lineage.contentId,
  });
  return ExitCode.ok;
}
