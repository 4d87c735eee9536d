import { type Currency, ETH, getCurrency } from "@superdist/contracts";
import { type Address, isAddress } from "viem";
import type { Context } from "./config.ts";
import { CliError } from "./errors.ts";

/**
 * The tokens a symbol may name: those of the deployment record (the demo token). Only these, because a symbol
 * is not unique on chain: anyone can deploy a token called DUSD, and only an address names one for sure.
 */
async function knownTokens(ctx: Context): Promise<Currency[]> {
  const addresses = [ctx.deployment.demoToken].filter((a): a is Address => a !== undefined);
  const tokens = await Promise.all(
    // A record may name a token that a fresh or foreign chain does not have; it then names nothing.
    addresses.map((address) => getCurrency(ctx.publicClient, address).catch(() => undefined)),
  );
  return tokens.filter((t) => t !== undefined);
}

/** `ETH`, a known token's symbol, or a token address, as the currency with its symbol and decimals. */
export async function resolveCurrency(ctx: Context, given: string, flag = "--currency"): Promise<Currency> {
  if (given.toUpperCase() === "ETH") return getCurrency(ctx.publicClient, ETH);
  if (isAddress(given)) {
    return getCurrency(ctx.publicClient, given).catch((cause) => {
      throw new CliError("USAGE", `${flag}: ${given} is not an ERC-20 token on this chain.`, { cause });
    });
  }
  const known = await knownTokens(ctx);
  const match =
    known.find((t) => t.symbol === given) ??
    known.find((t) => t.symbol.toUpperCase() === given.toUpperCase());
  if (match) return match;
  const accepted = ["ETH", ...known.map((t) => `${t.symbol} (${t.address})`), "or a token address"];
  throw new CliError("USAGE", `${flag} takes ${accepted.join(", ")}; not "${given}".`);
}
