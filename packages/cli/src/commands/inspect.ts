import { getLineage, previewPurchase } from "@superdist/contracts";
import { zeroAddress } from "viem";
import { loadContext } from "../config.ts";
import { readCopy } from "../copy.ts";
import { CliError, ExitCode } from "../errors.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit, short } from "../output.ts";

/** `superdist inspect <package>`: what this copy is, whose it is, and where a purchase through it goes. */
export async function inspect(positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const [path] = positionals;
  if (!path) throw new CliError("USAGE", "Usage: superdist inspect <package>");
  const ctx = await loadContext(options, io);
  const copy = await readCopy(ctx, path);
  const { lineage } = copy.header;
  const market = ctx.deployment.market;

  // The whole chain of licenses up to the root, not only the levels the schedule pays.
  const chain: { tokenId: bigint; owner: string; generation: bigint }[] = [];
  for (let tokenId = lineage.holderTokenId; tokenId !== 0n; ) {
    const { license } = await getLineage(ctx.publicClient, { market, tokenId });
    chain.push({ tokenId, owner: license.owner, generation: license.generation });
    tokenId = license.parent;
  }
  const payer = (await ctx.address()) ?? zeroAddress;
  const { split } = await previewPurchase(ctx.publicClient, {
    market,
    contentId: lineage.contentId,
    referrerTokenId: lineage.holderTokenId,
    payer,
  });

  const c = copy.content;
  const lines = [
    `${c.title} — content #${lineage.contentId}${c.paused ? " (sales paused)" : ""}`,
    `price     ${amount(c.price, copy.currency)}`,
    `rewards   ${c.rewardBps.map((b, i) => `L${i + 1} ${b / 100}%`).join(", ") || "none"}`,
    lineage.holderTokenId === 0n
      ? `holder    the publisher's copy (${c.publisher})`
      : `holder    license #${lineage.holderTokenId}, owned by ${copy.holder}`,
    `lineage   ${chain.map((l) => `#${l.tokenId} (${short(l.owner as `0x${string}`)})`).join(" ← ") || "—"}`,
    "",
    "If you buy from this copy:",
    ...split.levels.map(
      (l) =>
        `  level ${l.level}  #${l.tokenId} ${l.account}  ${amount(l.amount, copy.currency)}` +
        (l.skipped ? `  (your own license: goes to the publisher)` : ""),
    ),
    ...(split.fee > 0n ? [`  protocol fee  ${amount(split.fee, copy.currency)}`] : []),
    `  publisher     ${amount(split.publisher, copy.currency)}`,
  ];
  emit(ctx, lines.join("\n"), {
    contentId: lineage.contentId,
    title: c.title,
    price: c.price,
    currency: copy.currency,
    rewardBps: c.rewardBps,
    holderTokenId: lineage.holderTokenId,
    holder: copy.holder,
    lineage: chain,
    split,
  });
  return ExitCode.ok;
}
