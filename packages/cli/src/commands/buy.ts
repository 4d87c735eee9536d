import { createInterface } from "node:readline/promises";
import { ETH, getPermitTypedData, previewPurchase, superdistMarketAbi } from "@superdist/contracts";
import { erc20Abi, type Hash, parseEventLogs, parseSignature } from "viem";
import { type Context, loadContext } from "../config.ts";
import { type CopyInfo, readCopy } from "../copy.ts";
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

  const { tokenId, hash } = await purchase(ctx, copy);
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

/** Pays in ETH, or in the token with a permit when it supports one, otherwise approve then purchase. */
async function purchase(ctx: Context, copy: CopyInfo): Promise<{ tokenId: bigint; hash: Hash }> {
  const wallet = await ctx.wallet();
  const buyer = wallet.account.address;
  const market = ctx.deployment.market;
  const { contentId, holderTokenId } = copy.header.lineage;
  const price = copy.content.price;
  const base = {
    address: market,
    abi: superdistMarketAbi,
    account: wallet.account,
    chain: ctx.chain,
  } as const;
  let hash: Hash;
  if (copy.content.currency === ETH) {
    const { request } = await ctx.publicClient.simulateContract({
      ...base,
      functionName: "purchase",
      args: [contentId, holderTokenId, buyer, price],
      value: price,
    });
    hash = await wallet.writeContract(request);
  } else {
    const token = copy.content.currency;
    const allowance = await ctx.publicClient.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "allowance",
      args: [buyer, market],
    });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 1800);
    const permit =
      allowance < price
        ? await getPermitTypedData(ctx.publicClient, {
            token,
            owner: buyer,
            spender: market,
            value: price,
            deadline,
          })
        : undefined;
    if (permit) {
      const { v, r, s } = parseSignature(await wallet.signTypedData(permit));
      const { request } = await ctx.publicClient.simulateContract({
        ...base,
        functionName: "purchaseWithPermit",
        args: [contentId, holderTokenId, buyer, price, deadline, Number(v), r, s],
      });
      hash = await wallet.writeContract(request);
    } else {
      if (allowance < price) {
        ctx.io.stderr.write(`Approving ${amount(price, copy.currency)}…\n`);
        const approval = await wallet.writeContract({
          address: token,
          abi: erc20Abi,
          functionName: "approve",
          args: [market, price],
          chain: ctx.chain,
        });
        await ctx.publicClient.waitForTransactionReceipt({ hash: approval });
      }
      const { request } = await ctx.publicClient.simulateContract({
        ...base,
        functionName: "purchase",
        args: [contentId, holderTokenId, buyer, price],
      });
      hash = await wallet.writeContract(request);
    }
  }
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success")
    throw new CliError("TRANSACTION_REVERTED", `The purchase ${hash} reverted.`);
  const [event] = parseEventLogs({
    abi: superdistMarketAbi,
    logs: receipt.logs,
    eventName: "LicensePurchased",
  });
  if (!event) throw new CliError("TRANSACTION_REVERTED", `The purchase ${hash} minted no license.`);
  return { tokenId: event.args.tokenId, hash };
}
