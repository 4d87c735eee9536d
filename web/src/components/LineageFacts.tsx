import type { PackageHeader } from "@superdist/package";
import { shortAddress } from "../lib/format.ts";

/** What a copy's header says of itself: its content, holder, market and size. */
export function LineageFacts({ header }: { header: PackageHeader }) {
  const { lineage } = header;
  return (
    <dl className="facts" data-testid="lineage">
      <dt>Content</dt>
      <dd>#{lineage.contentId.toString()}</dd>
      <dt>Copy held by</dt>
      <dd>{lineage.holderTokenId === 0n ? "the publisher" : `license #${lineage.holderTokenId}`}</dd>
      <dt>Market</dt>
      <dd>
        <code title={lineage.market}>{shortAddress(lineage.market)}</code> on chain{" "}
        {lineage.chainId.toString()}
      </dd>
      <dt>Header</dt>
      <dd>
        {header.stanzas.length} stanzas, {header.bytes.length} bytes
      </dd>
    </dl>
  );
}
