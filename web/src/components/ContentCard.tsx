import Link from "next/link";
import type { CatalogEntry, ContentEntry } from "../hooks/useMarket.ts";
import { formatAmount, formatSchedule } from "../lib/format.ts";

export function Cover({ entry, className = "cover" }: { entry: ContentEntry; className?: string }) {
  const title = entry.content.title || entry.metadata.name || `Content #${entry.contentId}`;
  if (entry.metadata.image) {
    // biome-ignore lint/performance/noImgElement: covers are inline data URIs, not files next/image could optimise
    return <img className={className} src={entry.metadata.image} alt={`Cover of ${title}`} />;
  }
  return (
    <div className={`${className} placeholder`} aria-hidden="true">
      {title.slice(0, 1).toUpperCase()}
    </div>
  );
}

export function priceText(entry: ContentEntry): string {
  return formatAmount(entry.content.price, entry.currency.decimals, entry.currency.symbol, 6);
}

export function ContentCard({ entry }: { entry: CatalogEntry }) {
  const title = entry.content.title || `Content #${entry.contentId}`;
  return (
    <article className="card" data-testid="content-card" data-content-id={entry.contentId.toString()}>
      <Link href={`/content/${entry.contentId}`} className="card-link">
        <Cover entry={entry} />
        <div className="card-body">
          <h2 className="card-title">{title}</h2>
          <p className="price" data-testid="price">
            {priceText(entry)}
          </p>
          <p className="meta" data-testid="schedule">
            {formatSchedule(entry.content.rewardBps)}
          </p>
          <p className="meta" data-testid="sold">
            {entry.sold === 1 ? "1 license sold" : `${entry.sold} licenses sold`}
            {entry.content.paused ? " · sales paused" : ""}
          </p>
        </div>
      </Link>
    </article>
  );
}
