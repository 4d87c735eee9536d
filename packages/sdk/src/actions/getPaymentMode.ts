import { ETH, getPermitTypedData } from "@superdist/contracts";
import { type Address, type Client, erc20Abi } from "viem";
import { readContract } from "viem/actions";

/**
 * How a buyer pays: in ETH; with an ERC-20 allowance that already covers the price; with a signed EIP-2612
 * permit (one signature, no fee); or by approving first, for tokens without permit.
 */
export type PaymentMode = "eth" | "allowance" | "permit" | "approve";

export type GetPaymentModeParameters = {
  market: Address;
  currency: Address;
  payer: Address;
  price: bigint;
};

export type GetPaymentModeReturnType = PaymentMode;

/** The way `payer` will pay `price` in `currency`, so that a page can list the steps before any is taken. */
export async function getPaymentMode(
  client: Client,
  { market, currency, payer, price }: GetPaymentModeParameters,
): Promise<GetPaymentModeReturnType> {
  if (currency === ETH) return "eth";
  const allowance = await readContract(client, {
    address: currency,
    abi: erc20Abi,
    functionName: "allowance",
    args: [payer, market],
  });
  if (allowance >= price) return "allowance";
  const permit = await getPermitTypedData(client, {
    token: currency,
    owner: payer,
    spender: market,
    value: price,
    deadline: 0n,
  });
  return permit ? "permit" : "approve";
}
