import { type Currency, getCurrency, superdistMarketAbi } from "@superdist/contracts";
import { type Address, isAddress, parseEventLogs } from "viem";
import { readActivity } from "../activity.ts";
import { type Context, loadContext } from "../config.ts";
import { resolveCurrency } from "../currency.ts";
import { CliError, ExitCode } from "../errors.ts";
import type { CliIO } from "../io.ts";
import type { ParsedOptions } from "../main.ts";
import { amount, emit } from "../output.ts";

/**
 * `superdist claim [--currency ETH|<symbol>|<address>]... [--to <address>]`: one transaction for every chosen
 * currency. Nothing to claim is an answer, not a failure: a script claiming on a schedule exits 0 either way.
 */
export async function claim(_positionals: string[], options: ParsedOptions, io: CliIO): Promise<number> {
  const ctx = await loadContext(options, io);
  const wallet = await ctx.wallet();
  const account = wallet.account.address;
  const to = options.to ?? account;
  if (!isAddress(to)) throw new CliError("USAGE", `--to must be an address, not "${to}".`);
  const chosen = options.currency?.length
    ? await Promise.all(options.currency.map((c) => resolveCurrency(ctx, c)))
    : undefined;
  const currencies = await claimableCurrencies(ctx, account, chosen);
  if (currencies.length === 0) {
    emit(ctx, `${account} has nothing to claim.`, { account, to, transactionHash: null, paid: [] });
    return ExitCode.ok;
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
  const known = new Map((chosen ?? []).map((c) => [c.address.toLowerCase(), c]));
  // Symbol and decimals beside each amount, as `inspect --json` gives them, so that a script can format it.
  const paid: { currency: Currency; amount: bigint }[] = await Promise.all(
    parseEventLogs({ abi: superdistMarketAbi, logs: receipt.logs, eventName: "Claimed" }).map(async (e) => ({
      currency:
        known.get(e.args.currency.toLowerCase()) ?? (await getCurrency(ctx.publicClient, e.args.currency)),
      amount: e.args.amount,
    })),
  );
  const lines = paid.map((p) => `  ${amount(p.amount, p.currency)}`);
  emit(ctx, `Claimed to ${to} (transaction ${hash}):\n${lines.join("\n")}`, {
    account,
    to,
    transactionHash: hash,
    paid,
  });
  return ExitCode.ok;
}

/** The chosen currencies (all of the account's by default) that hold something to claim. */
async function claimableCurrencies(
  ctx: Context,
  account: Address,
  chosen: Currency[] | undefined,
): Promise<Address[]> {
  const market = ctx.deployment.market;
  if (!chosen) {
    const { claimable } = await readActivity(ctx, account);
    return claimable.filter((c) => c.amount > 0n).map((c) => c.currency);
  }
  const amounts = await Promise.all(
    chosen.map((c) =>
      ctx.publicClient.readContract({
        address: market,
        abi: superdistMarketAbi,
        functionName: "claimable",
        args: [account, c.address],
      }),
    ),
  );
  return chosen.filter((_, i) => amounts[i] > 0n).map((c) => c.address);
}
