import type { ContentEntry } from "../hooks/useMarket.ts";
import type { PurchaseCosts as Costs } from "../hooks/usePurchaseCosts.ts";
import { formatAmount } from "../lib/format.ts";

const eth = (wei: bigint) => formatAmount(wei, 18, "ETH", 6);

/** The payer's balances and the network fee, as a wallet shows them before it asks for a signature. */
export function PurchaseCosts({ entry, costs }: { entry: ContentEntry; costs: Costs | undefined }) {
  if (!costs) return null;
  const { currency } = entry;
  const { inEth } = costs;
  return (
    <div className="purchase-costs" data-testid="purchase-costs">
      <dl className="facts">
        <dt>Your balance</dt>
        <dd data-testid="balance">
          {inEth
            ? eth(costs.ethBalance)
            : `${formatAmount(costs.balance, currency.decimals, currency.symbol, 6)} · ${eth(costs.ethBalance)}`}
        </dd>
        <dt>Network fee</dt>
        <dd data-testid="network-fee">
          {costs.fee !== undefined
            ? `about ${eth(costs.fee)}`
            : "shown by your wallet (after the permission step)"}
        </dd>
      </dl>
      {!costs.enough ? (
        <p className="notice danger" role="alert" data-testid="not-enough">
          {inEth
            ? `Your ${eth(costs.ethBalance)} does not cover the price and the network fee.`
            : `Your ${formatAmount(costs.balance, currency.decimals, currency.symbol, 6)} does not cover the price.`}{" "}
          Nothing will be asked of your wallet until it does.
        </p>
      ) : null}
    </div>
  );
}
