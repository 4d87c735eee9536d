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
      <h2 id="check-heading">Security check failed</h2>
      <p className="licensed-to" data-testid="licensed-to">
        {holderTokenId === 0n
          ? "This is the publisher's copy."
          : `This copy is licensed to #${holderTokenId}.`}
        {holder ? (
          <>
            {" "}
            Its holder is <code title={holder}>{shortAddress(holder)}</code>.
          </>
        ) : null}
      </p>
      <p>
        It does not open in this browser. Buy your own license through it: your payment rewards the copy's
        holder and their referrers, and your copy is then re-keyed to you, so you earn when you pass it on.
      </p>
    </section>
  );
}
