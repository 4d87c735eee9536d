import { createInterface } from "node:readline/promises";
import { previewPurchase } from "@superdist/contracts";
import { isSuperdistError } from "@superdist/errors";
import { AlreadyOwnedError, checkVerifier, findOwnedLicense, purchaseLicense } from "@superdist/sdk";
import { loadContext } from "../config.ts";
import { readCopy } from "../copy.ts";
import { CliError, ExitCode } from "../errors.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";
import { rekeyCopy } from "./rekey.ts";

/**
 * `superdist buy <package> [--yes]`: buys a license through the copy's holder (the referrer), then re-keys the
 * copy to this device and writes it next to the original.
 */
export async function buy(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const [path] = positionals;
  if (!path) throw new CliError("USAGE", "Usage: superdist buy <package> [--yes]");
  const ctx = await loadContext(options, io);
  const copy = await readCopy(ctx, path);
  const wallet = await ctx.wallet();
  const buyer = wallet.account.address;
  const { lineage } = copy.header;
  // What would refuse the sale is asked before the buyer is asked to confirm it.
  const owned = options.again
    ? undefined
    : await findOwnedLicense(ctx.publicClient, {
        market: ctx.deployment.market,
        contentId: lineage.contentId,
        account: buyer,
        fromBlock: BigInt(ctx.deployment.deployBlock),
        indexer: ctx.indexer,
      });
  if (owned) throw alreadyOwned(owned.tokenId, copy.content.title, path);
  await checkVerifier(ctx.publicClient, {
    market: ctx.deployment.market,
    contentId: lineage.contentId,
    verifierUrls: ctx.verifierUrls,
  });
  const { split } = await previewPurchase(ctx.publicClient, {
    market: ctx.deployment.market,
    contentId: lineage.contentId,
    referrerTokenId: lineage.holderTokenId,
    payer: buyer,
  });

  const summary = [
    `Buy "${copy.content.title}" for ${amount(copy.content.price, copy.currency)} as ${buyer}`,
    lineage.holderTokenId === 0n
      ? "  no referrer (publisher's copy)"
      : `  through license #${lineage.holderTokenId}`,
    ...split.levels.map((l) => `  level ${l.level} #${l.tokenId} earns ${amount(l.amount, copy.currency)}`),
    `  publisher earns ${amount(split.publisher, copy.currency)}`,
  ].join("\n");
  io.stderr.write(`${summary}\n`);
  if (!ctx.yes && !(await confirm(io, "Proceed? [y/N] "))) {
    throw new CliError("DECLINED", "Nothing bought.", { exitCode: ExitCode.declined });
  }

  const { tokenId, transactionHash: hash } = await purchaseLicense(wallet, {
    market: ctx.deployment.market,
    contentId: lineage.contentId,
    referrerTokenId: lineage.holderTokenId,
    maxPrice: copy.content.price,
    currency: copy.content.currency,
    verifierUrls: ctx.verifierUrls,
    again: options.again,
    fromBlock: BigInt(ctx.deployment.deployBlock),
    indexer: ctx.indexer,
    publicClient: ctx.publicClient,
    onStage: (stage) => {
      if (stage.operation === "approval" && stage.status === "signing") {
        io.stderr.write(`Approving ${amount(copy.content.price, copy.currency)}…\n`);
      }
      if (stage.operation === "purchase" && stage.status === "pending") {
        io.stderr.write(`Paid (transaction ${stage.hash}); waiting for it to be included…\n`);
      }
      if (stage.status === "waiting" && stage.seen < stage.needed) {
        io.stderr.write(
          `Waiting for ${stage.seen} of ${stage.needed} confirmations, for the verifier to see it…\n`,
        );
      }
    },
  }).catch((error: unknown) => {
    throw error instanceof AlreadyOwnedError ? alreadyOwned(error.tokenId, copy.content.title, path) : error;
  });
  io.stderr.write(`License #${tokenId} is yours (transaction ${hash}). Re-keying your copy…\n`);
  const output = await rekeyCopy(ctx, copy, tokenId).catch((cause: unknown) => {
    const command = `superdist rekey --token ${tokenId} ${path}`;
    throw new CliError(
      "PAID_NOT_REKEYED",
      `License #${tokenId} is paid for and yours (transaction ${hash}), but your copy could not be re-keyed yet ` +
        `(${describeCause(cause)}). Finish with: ${command}`,
      { cause, exitCode: ExitCode.paidNotRekeyed, data: { tokenId, transactionHash: hash, command } },
    );
  });
  emit(ctx, `Your copy of "${copy.content.title}" (license #${tokenId}) → ${output}`, {
    tokenId,
    transactionHash: hash,
    output,
    split,
  });
  return ExitCode.ok;
}

async function confirm(io: CliIO, question: string): Promise<boolean> {
  if (!io.stdin.isTTY) {
    throw new CliError("DECLINED", "Cannot ask for confirmation without a terminal; pass --yes.", {
      exitCode: ExitCode.declined,
    });
  }
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    // The end of input (Ctrl-D) closes the prompt without an answer: that is a no.
    const closed = new Promise<string>((resolve) => rl.once("close", () => resolve("")));
    const answer = await Promise.race([rl.question(question), closed]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function describeCause(cause: unknown): string {
  if (isSuperdistError(cause)) return cause.shortMessage.replace(/\.$/, "");
  return cause instanceof Error ? cause.message : String(cause);
}

function alreadyOwned(tokenId: bigint, title: string, path: string): CliError {
  return new CliError(
    "ALREADY_OWNED",
    `You already own license #${tokenId} of "${title}"; nothing was bought. ` +
      `Unlock this copy with one signature, for free: superdist rekey ${path} (or buy another with --again).`,
    { data: { tokenId, command: `superdist rekey ${path}` } },
  );
}
