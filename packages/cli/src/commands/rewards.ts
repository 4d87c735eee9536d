import { type Currency, getCurrency, type LicenseNode } from "@superdist/contracts";
import type { Address } from "viem";
import { readActivity } from "../activity.ts";
import { loadContext } from "../config.ts";
import { ExitCode } from "../errors.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit, short } from "../output.ts";

/** `superdist rewards`: what you can claim, and the tree of licenses bought through yours. */
export async function rewards(_positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const ctx = await loadContext(options, io);
  const account = (await ctx.wallet()).account.address;
  const activity = await readActivity(ctx, account);
  const currencies = new Map<Address, Currency>();
  for (const { currency } of activity.claimable) {
    currencies.set(currency, await getCurrency(ctx.publicClient, currency));
  }
  const fmt = (value: bigint, currency: Address) =>
    amount(value, currencies.get(currency) ?? { symbol: currency, decimals: 0 });

  const lines = [`Rewards of ${account}`, "", "Claimable:"];
  const open = activity.claimable.filter((c) => c.amount > 0n);
  lines.push(...(open.length ? open.map((c) => `  ${fmt(c.amount, c.currency)}`) : ["  nothing yet"]));
  lines.push("", "Your licenses and the licenses bought through them:");
  if (activity.licenses.length === 0) lines.push("  none");
  const draw = (node: LicenseNode, prefix: string, last: boolean, root: boolean) => {
    const earned = Object.entries(node.earned).map(([c, v]) => fmt(v, c as Address));
    const label = root
      ? `#${node.tokenId} (content #${node.contentId})`
      : `#${node.tokenId} ${short(node.owner)} level ${node.level}${earned.length ? `  earned you ${earned.join(", ")}` : ""}`;
    lines.push(`${prefix}${root ? "" : last ? "└─ " : "├─ "}${label}`);
    const childPrefix = root ? "  " : `${prefix}${last ? "   " : "│  "}`;
    node.children.forEach((child, i) => {
      draw(child, childPrefix, i === node.children.length - 1, false);
    });
  };
  for (const license of activity.licenses) draw(license, "  ", true, true);
  emit(ctx, lines.join("\n"), { account, ...activity });
  return ExitCode.ok;
}
