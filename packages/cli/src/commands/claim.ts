import { ETH, getAccountActivity, getCurrency, superdistMarketAbi } from "@superdist/contracts";
import { type Address, isAddress, parseEventLogs } from "viem";
import { loadContext } from "../config.ts";
import { CliError, ExitCode } from "../errors.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";

/** `superdist claim [--currency ETH|<address>]... [--to <address>]`: one transaction for every chosen currency. */
export async function claim(_positionals: string[], options: ParsedOptions): Promise<number> {
  const ctx = await loadContext(options);
  const wallet = await ctx.wallet();
  const account = wallet.account.address;
  const to = options.to ?? account;
  if (!isAddress(to)) throw new CliError("USAGE", `--to must be an address, not "${to}".`);
  let currencies: Address[];
  if (options.currency?.length) {
    currencies = options.currency.map((c) => {
      if (c.toUpperCase() === "ETH") return ETH;
      if (!isAddress(c))
        throw new CliError("USAGE", `--currency must be ETH or a token address, not "${c}".`);
      return c;
    });
  } else {
    const { claimable } = await getAccountActivity(ctx.publicClient, {
      market: ctx.deployment.market,
      account,
      fromBlock: BigInt(ctx.deployment.deployBlock),
    });
    currencies = claimable.filter((c) => c.amount > 0n).map((c) => c.currency);
    if (currencies.length === 0) throw new CliError("NOTHING_TO_CLAIM", `${account} has nothing to claim.`);
  }
  const { request } = await ctx.publicClient.simulateContract({
    address: ctx.deployment.market,
    abi: superdistMarketAbi,
    functionName: "claim",
    args: [currencies, to],
    account: wallet.account,
    chain: ctx.chain,
  });
  const hash = await wallet.writeContract(request);
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new CliError("TRANSACTION_REVERTED", `The claim ${hash} reverted.`);
  const paid = parseEventLogs({ abi: superdistMarketAbi, logs: receipt.logs, eventName: "Claimed" }).map(
    (e) => ({
      currency: e.args.currency,
      amount: e.args.amount,
    }),
  );
  const lines = await Promise.all(
    paid.map(async (p) => `  ${amount(p.amount, await getCurrency(ctx.publicClient, p.currency))}`),
  );
  emit(ctx, `Claimed to ${to} (transaction ${hash}):\n${lines.join("\n")}`, {
    transactionHash: hash,
    to,
    paid,
  });
  return ExitCode.ok;
}
