import type { Currency, PurchaseSplit } from "@superdist/contracts";
import { formatAmount, shortAddress } from "../lib/format.ts";

type Segment = { key: string; label: string; detail?: string; amount: bigint; color: string };

const LEVEL_COLORS = 5;

/** Who gets what of one purchase, in the order the market credits it. */
function segmentsOf(split: PurchaseSplit, levelLabel?: (level: number) => string): Segment[] {
  const levels = split.levels.map((level) => ({
    key: `level-${level.level}`,
    label: levelLabel ? levelLabel(level.level) : `Level ${level.level} · license #${level.tokenId}`,
    detail: level.skipped
      ? "your own license earns nothing; its share goes to the publisher"
      : levelLabel
        ? undefined
        : shortAddress(level.account),
    amount: level.amount,
    color: `var(--split-level-${((level.level - 1) % LEVEL_COLORS) + 1})`,
  }));
  return [
    { key: "publisher", label: "Publisher", amount: split.publisher, color: "var(--split-publisher)" },
    ...levels,
    { key: "fee", label: "Protocol fee", amount: split.fee, color: "var(--split-fee)" },
  ];
}

function percentOf(amount: bigint, total: bigint): string {
  if (total === 0n) return "0%";
  return `${(Number((amount * 10_000n) / total) / 100).toLocaleString("en-US")}%`;
}

/**
 * A bar of the price, one coloured part per payee, with a legend that says the same in words (the picture
 * alone would leave out screen readers).
 */
export function SplitBar({
  split,
  currency,
  levelLabel,
  title = "Where your payment goes",
}: {
  split: PurchaseSplit;
  currency: Pick<Currency, "decimals" | "symbol">;
  levelLabel?: (level: number) => string;
  title?: string;
}) {
  const segments = segmentsOf(split, levelLabel);
  const total = split.price;
  const width = 1000;
  let x = 0;
  const rects = segments
    .filter((segment) => segment.amount > 0n)
    .map((segment) => {
      const w = total === 0n ? 0 : Number((segment.amount * BigInt(width)) / total);
      const rect = { ...segment, x, w };
      x += w;
      return rect;
    });
  // Rounding down leaves a sliver; it belongs to the publisher's part, the remainder in the contract too.
  if (rects.length > 0) rects[0].w += width - x;
  return (
    <figure className="split" data-testid="split">
      <figcaption className="split-title">{title}</figcaption>
      <svg viewBox={`0 0 ${width} 36`} width="100%" height="36" role="img" aria-label={title}>
        <rect x="0" y="0" width={width} height="36" rx="8" fill="var(--surface-2)" />
        {rects.map((rect) => (
          <rect
            key={rect.key}
            x={rect.x}
            y="0"
            width={Math.max(rect.w, 0)}
            height="36"
            fill={rect.color}
            rx={rects.length === 1 ? 8 : 0}
          >
            <title>{`${rect.label}: ${formatAmount(rect.amount, currency.decimals, currency.symbol, 6)}`}</title>
          </rect>
        ))}
      </svg>
      <ul className="split-legend">
        {segments.map((segment) => (
          <li key={segment.key} data-testid={`split-${segment.key}`}>
            <span className="swatch" style={{ background: segment.color }} aria-hidden="true" />
            <span>
              {segment.label}
              {segment.detail ? <span className="muted"> ({segment.detail})</span> : null}
            </span>
            <span className="split-amount">
              {formatAmount(segment.amount, currency.decimals, currency.symbol, 6)} ·{" "}
              {percentOf(segment.amount, total)}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
