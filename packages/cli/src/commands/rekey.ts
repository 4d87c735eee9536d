import { stat } from "node:fs/promises";
import { getOwnedLicenses } from "@superdist/contracts";
import { rekeyCopyFile } from "@superdist/sdk/node";
import type { Address } from "viem";
import { type Context, loadContext } from "../config.ts";
import { type CopyInfo, licensedCopyName, readCopy } from "../copy.ts";
import { CliError, ExitCode } from "../errors.ts";
import { readIdentityFile } from "../identity.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { emit } from "../output.ts";

/** `superdist rekey <package> [--token <id>] [-o <package>]`: a copy of your license keyed to this device. */
export async function rekey(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const [path] = positionals;
  if (!path) throw new CliError("USAGE", "Usage: superdist rekey <package> [--token <id>] [-o <package>]");
  const ctx = await loadContext(options, io);
  const copy = await readCopy(ctx, path);
  const owner = (await ctx.wallet()).account.address;
  const tokenId = options.token ? parseToken(options.token) : await findLicense(ctx, copy, owner);
  const output = await rekeyCopy(ctx, copy, tokenId, options.output);
  emit(ctx, `Re-keyed license #${tokenId} for this device → ${output}`, { tokenId, output });
  return ExitCode.ok;
}

/** Asks the verifier for a header keyed to this device and splices it onto the copy's payload. */
export async function rekeyCopy(
  ctx: Context,
  copy: CopyInfo,
  tokenId: bigint,
  output?: string,
): Promise<string> {
  const { recipient } = await readIdentityFile(ctx.identityFile);
  const target = output ? ctx.path(output) : licensedCopyName(copy.path, tokenId);
  if (target !== copy.path && (await stat(target).catch(() => undefined))) {
    throw new CliError("OUTPUT_EXISTS", `${target} already exists; choose another name with -o.`);
  }
  await rekeyCopyFile(await ctx.wallet(), {
    market: ctx.deployment.market,
    path: copy.path,
    output: target,
    tokenId,
    recipient,
    verifierUrls: ctx.verifierUrls,
    publicClient: ctx.publicClient,
  });
  return target;
}

function parseToken(value: string): bigint {
  if (!/^\d+$/.test(value) || value === "0")
    throw new CliError("USAGE", `--token must be a license id, not "${value}".`);
  return BigInt(value);
}

/** The copy's own license if the wallet owns it, otherwise any license of the same content the wallet owns. */
async function findLicense(ctx: Context, copy: CopyInfo, owner: Address): Promise<bigint> {
  const market = ctx.deployment.market;
  const { lineage } = copy.header;
  if (lineage.holderTokenId !== 0n && copy.holder.toLowerCase() === owner.toLowerCase())
    return lineage.holderTokenId;
  const owned = await getOwnedLicenses(ctx.publicClient, {
    market,
    account: owner,
    fromBlock: BigInt(ctx.deployment.deployBlock),
  });
  const latest = owned.filter((license) => license.contentId === lineage.contentId).at(-1);
  if (latest) return latest.tokenId;
  throw new CliError(
    "NO_LICENSE",
    `${owner} holds no license of content #${lineage.contentId}; buy one with \`superdist buy ${copy.path}\`.`,
  );
}
