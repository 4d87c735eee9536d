"use client";

import type { PackageHeader } from "@superdist/package";
import type { Address } from "viem";
import { shortAddress } from "../lib/format.ts";

/**
 * A copy that does not open here: whose it is, and why buying through it is worth it. When the account owns a
 * license of the content already, it is worded as theirs to unlock, never as a failure.
 */
export function CheckFailedPanel({
  header,
  holder,
  ownedTokenId,
}: {
  header: PackageHeader;
  holder: Address | undefined;
  ownedTokenId?: bigint;
}) {
  const { holderTokenId } = header.lineage;
  if (ownedTokenId !== undefined) {
    return (
      <section className="panel" data-testid="owned-copy" aria-labelledby="owned-heading">
        <h2 id="owned-heading">
          {ownedTokenId === holderTokenId ? "Your copy from another device" : "A copy you can unlock"}
        </h2>
        <p>
          {ownedTokenId === holderTokenId
            ? "Unlock it here with one signature."
            : `${holderTokenId === 0n ? "It is the publisher's copy" : `It belongs to license #${holderTokenId}`}, and you own license #${ownedTokenId} of this content: unlock it for yourself with one signature. There is nothing to buy.`}
        </p>
      </section>
    );
  }
  return (
    <section className="panel check-failed" data-testid="check-failed" aria-labelledby="check-heading">
      <h2 id="check-heading">This copy is not yours yet</h2>
      <p className="licensed-to" data-testid="licensed-to">
        {holderTokenId === 0n
          ? "This is the publisher's copy"
          : `This copy belongs to license #${holderTokenId}`}
        {holder ? (
          <>
            {" "}
            (<code title={holder}>{shortAddress(holder)}</code>)
          </>
        ) : null}
        .
      </p>
      <p>
        It opens only for its owner. Buy your own license through it: your payment rewards whoever passed it
        on and the people before them, and the copy then becomes yours, so you earn when you pass it on.
      </p>
    </section>
  );
}
