import { basename, dirname, join } from "node:path";
import { type Currency, getContent, getCurrency, getLineage } from "@superdist/contracts";
import { copyFileName, lineageMismatch, type PackageHeader, plaintextFileName } from "@superdist/package";
import { readHeaderFromFile } from "@superdist/package/node";
import type { Address } from "viem";
import type { Context } from "./config.ts";
import { CliError } from "./errors.ts";

export type CopyInfo = {
  /** Absolute, so that the copies written beside it land in the same folder. */
  path: string;
  header: PackageHeader;
  content: Awaited<ReturnType<typeof getContent>>;
  currency: Currency;
  /** Owner of the holder token now (the publisher for the publisher's copy, token 0). */
  holder: Address;
};

/** Reads a package's header and what the chain says of its content and holder. */
export async function readCopy(ctx: Context, given: string): Promise<CopyInfo> {
  const path = ctx.path(given);
  const header = await readHeaderFromFile(path).catch((cause) => {
    if (cause?.code === "ENOENT") throw new CliError("FILE_NOT_FOUND", `No such file: ${given}`, { cause });
    throw cause;
  });
  const { lineage } = header;
  if (lineageMismatch(lineage, { chainId: ctx.chain.id, market: ctx.deployment.market })) {
    throw new CliError(
      "CONFIG",
      `This copy belongs to market ${lineage.market} on chain ${lineage.chainId}, not the configured ` +
        `${ctx.deployment.market} on chain ${ctx.chain.id}; pass --rpc and --market.`,
    );
  }
  const content = await getContent(ctx.publicClient, {
    market: ctx.deployment.market,
    contentId: lineage.contentId,
  });
  const currency = await getCurrency(ctx.publicClient, content.currency);
  const holder =
    lineage.holderTokenId === 0n
      ? content.publisher
      : (
          await getLineage(ctx.publicClient, {
            market: ctx.deployment.market,
            tokenId: lineage.holderTokenId,
          })
        ).license.owner;
  return { path, header, content, currency, holder };
}

/** `book.pdf.superdist` and `book.pdf.license-7.superdist` → `book.pdf`; anything else gets `.decrypted`. */
export function plaintextName(path: string): string {
  const name = plaintextFileName(undefined, basename(path));
  return join(dirname(path), name === basename(path) ? `${name}.decrypted` : name);
}

/** Where a re-keyed copy for `tokenId` goes: next to the original, named after the license. */
export function licensedCopyName(path: string, tokenId: bigint): string {
  return join(dirname(path), copyFileName(basename(path), tokenId));
}
