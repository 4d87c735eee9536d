"use client";

import type { PackageHeader } from "@superdist/package";
import type { Address } from "viem";
import { shortAddress } from "../lib/format.ts";

/** A copy keyed to someone else: whose it is, and why buying through it is worth it. */
export function CheckFailedPanel({ header, holder }: { header: PackageHeader; holder: Address | undefined }) {
  const { holderTokenId } = header.lineage;
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
