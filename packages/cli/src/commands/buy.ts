import { createInterface } from "node:readline/promises";
import { previewPurchase } from "@superdist/contracts";
import { purchaseLicense } from "@superdist/sdk";
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
    publicClient: ctx.publicClient,
    onStage: (stage) => {
      if (stage.operation === "approval" && stage.status === "signing") {
        io.stderr.write(`Approving ${amount(copy.content.price, copy.currency)}…\n`);
      }
    },
  });
  io.stderr.write(`License #${tokenId} bought (transaction ${hash}). Re-keying your copy…\n`);
  const output = await rekeyCopy(ctx, copy, tokenId);
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
