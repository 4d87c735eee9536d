import type { Currency, LicenseNode } from "@superdist/contracts";
import type { Address } from "viem";
import { formatAmount, shortAddress } from "../lib/format.ts";

const COLUMN = 190;
const ROW = 64;
const NODE_WIDTH = 160;
const NODE_HEIGHT = 50;
const TOP = 28;

type Placed = { node: LicenseNode; x: number; y: number; parent?: Placed };

/** Leaves take one row each; a parent sits level with its first child, so the picture reads top-down. */
function place(roots: readonly LicenseNode[]): Placed[] {
  const placed: Placed[] = [];
  let row = 0;
  const visit = (node: LicenseNode, parent?: Placed) => {
    const item: Placed = { node, x: node.level * COLUMN, y: TOP + row * ROW, parent };
    placed.push(item);
    if (node.children.length === 0) row++;
    for (const child of node.children) visit(child, item);
  };
  for (const root of roots) visit(root);
  return placed;
}

function earnedText(earned: Record<Address, bigint>, currencies: ReadonlyMap<string, Currency>): string {
  const parts = Object.entries(earned)
    .filter(([, amount]) => amount > 0n)
    .map(([address, amount]) => {
      const currency = currencies.get(address.toLowerCase());
      return currency ? formatAmount(amount, currency.decimals, currency.symbol, 6) : amount.toString();
    });
  return parts.length > 0 ? `+${parts.join(", ")}` : "—";
}

/** An SVG text does not wrap, so a long title is cut to fit its node. */
function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * The licenses bought through the account's licenses, as a tree: column 0 is the account's own license, column
 * n the sales that paid it at lineage level n, each labelled with what it earned the account.
 */
export function ReferralTree({
  roots,
  account,
  currencies,
  titles = new Map(),
  publisherView = false,
}: {
  roots: readonly LicenseNode[];
  account: Address;
  currencies: ReadonlyMap<string, Currency>;
  /** Content titles by id, for the account's own licenses. */
  titles?: ReadonlyMap<bigint, string>;
  /** A content's sales as its publisher sees them: every node with what it paid the publisher. */
  publisherView?: boolean;
}) {
  const titleOf = (contentId: bigint) => titles.get(contentId) || `content #${contentId}`;
  const placed = place(roots);
  const depth = Math.max(0, ...placed.map((item) => item.node.level));
  const rows = placed.filter((item) => item.node.children.length === 0).length;
  const width = (depth + 1) * COLUMN;
  const height = TOP + Math.max(rows, 1) * ROW;
  return (
    <div className="tree-wrap">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={publisherView ? "The referral tree of its sales" : "Your referral tree"}
        data-testid="referral-tree"
      >
        {Array.from({ length: depth + 1 }, (_, level) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a column is its level
          <text key={level} x={level * COLUMN + 4} y={16} className="tree-level">
            {level === 0 ? (publisherView ? "Sold directly" : "Your licenses") : `Level ${level}`}
          </text>
        ))}
        {placed
          .filter((item) => item.parent)
          .map((item) => {
            const parent = item.parent as Placed;
            const x1 = parent.x + NODE_WIDTH;
            const y1 = parent.y + NODE_HEIGHT / 2;
            const x2 = item.x;
            const y2 = item.y + NODE_HEIGHT / 2;
            const middle = (x1 + x2) / 2;
            return (
              <path
                key={`edge-${item.node.tokenId}`}
                d={`M${x1},${y1} C${middle},${y1} ${middle},${y2} ${x2},${y2}`}
                className="tree-edge"
              />
            );
          })}
        {placed.map((item) => {
          const own = item.node.owner.toLowerCase() === account.toLowerCase();
          return (
            <g
              key={`node-${item.node.tokenId}`}
              transform={`translate(${item.x},${item.y})`}
              data-testid="tree-node"
              data-token-id={item.node.tokenId.toString()}
            >
              <title>{`License #${item.node.tokenId} of ${titleOf(item.node.contentId)}, held by ${item.node.owner}`}</title>
              <rect
                width={NODE_WIDTH}
                height={NODE_HEIGHT}
                rx="8"
                className={own ? "tree-node own" : "tree-node"}
              />
              <text x="10" y="20" className="tree-title">
                #{item.node.tokenId.toString()} · {own ? "you" : shortAddress(item.node.owner)}
              </text>
              <text x="10" y="38" className="tree-earned">
                {item.node.level === 0 && !publisherView
                  ? clip(titleOf(item.node.contentId), 22)
                  : earnedText(item.node.earned, currencies)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
