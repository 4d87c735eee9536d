import { once } from "node:events";
import { stat } from "node:fs/promises";
import { decryptPackage, unwrapFileKey } from "@superdist/package";
import { decryptFile, readFileStream } from "@superdist/package/node";
import { findOwnedLicense } from "@superdist/sdk";
import { type Context, loadContext } from "../config.ts";
import { plaintextName, readCopy } from "../copy.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";
import { type Progress, progressBar } from "../progress.ts";

/** `-o -`: the plaintext goes to stdout, as with `age -d`. */
const STDOUT = "-";

/**
 * `superdist open <package> [-o <file>]`: the security check. A copy keyed to this device decrypts; any other
 * copy names the license it belongs to and how to buy your own through it.
 */
export async function open(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const [path] = positionals;
  if (!path) throw new CliError("USAGE", "Usage: superdist open <package> [-o <file>|-]");
  if (options.output === STDOUT && options.json) {
    throw new CliError(
      "USAGE",
      "-o - writes the plaintext to stdout, where --json would write too; pick one.",
    );
  }
  const ctx = await loadContext(options, io);
  const copy = await readCopy(ctx, path);
  const { identities } = await readIdentityFile(ctx.identityFile);
  const { lineage } = copy.header;

  if ((await unwrapFileKey(copy.header, identities)) === null) {
    const account = await ctx.address();
    const owned =
      account &&
      (await findOwnedLicense(ctx.publicClient, {
        market: ctx.deployment.market,
        contentId: lineage.contentId,
        account,
        fromBlock: BigInt(ctx.deployment.deployBlock),
      }));
    if (owned) return ownedElsewhere(ctx, path, owned.tokenId, owned.tokenId === lineage.holderTokenId);
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
    } else io.stderr.write(`${lines.join("\n")}\n`);
    return ExitCode.notLicensed;
  }

  const progress = progressBar("decrypting", !ctx.json, io.stderr);
  if (options.output === STDOUT) {
    await decryptToStdout(ctx, copy.path, identities, progress);
    progress.finish();
    io.stderr.write(`Opened "${copy.content.title}" → stdout\n`);
    return ExitCode.ok;
  }
  const output = options.output ? ctx.path(options.output) : plaintextName(copy.path);
  if (await stat(output).catch(() => undefined)) {
    throw new CliError("OUTPUT_EXISTS", `${output} already exists; choose another name with -o.`);
  }
  await decryptFile(copy.path, output, identities, (done, total) => progress.update(done, total));
  progress.finish();
  emit(ctx, `Opened "${copy.content.title}" → ${output}`, {
    licensed: true,
    output,
    contentId: lineage.contentId,
  });
  return ExitCode.ok;
}

/** A copy this account may unlock already: re-keying it is free, so that is what is offered, never a purchase. */
function ownedElsewhere(ctx: Context, path: string, tokenId: bigint, sameLicense: boolean): number {
  const command = `superdist rekey ${path}`;
  const lines = [
    sameLicense
      ? `This is your copy (license #${tokenId}) from another device.`
      : `You already own license #${tokenId} of this content.`,
    `Unlock it for this device with one signature, for free: ${command}`,
  ];
  if (ctx.json) emit(ctx, "", { licensed: false, ownedTokenId: tokenId, command });
  else ctx.io.stderr.write(`${lines.join("\n")}\n`);
  return ExitCode.notLicensed;
}

/**
 * Unlike a file, which appears only once every chunk has authenticated, stdout receives each chunk as it
 * authenticates: a damaged or truncated package fails part way, with exit 1, as `age -d` does.
 */
async function decryptToStdout(
  ctx: Context,
  path: string,
  identities: string[],
  progress: Progress,
): Promise<void> {
  const { size } = await stat(path);
  const { stream } = await decryptPackage(readFileStream(path), {
    identities,
    packageSize: size,
    onProgress: (done, total) => progress.update(done, total),
  });
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (!ctx.io.stdout.write(value)) await once(ctx.io.stdout, "drain");
  }
}
