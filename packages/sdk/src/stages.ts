import type { Hash, TransactionReceipt } from "viem";

/** The steps a flow reports, each named so that a page can show it beside its own label. */
export type Operation =
  /** An EIP-2612 permission to take an ERC-20 price, signed without a fee. */
  | "permit"
  | "approval"
  | "purchase"
  | "publish"
  /** The holder's EIP-712 request to the verifier. */
  | "rekey-signature"
  | "verifier"
  /** Blocks mined on top of a purchase, until the verifier's depth is reached. */
  | "confirmations"
  | "encrypt"
  /** Hashing the encrypted package into the torrent its metadata names. */
  | "torrent"
  /** Pointing the metadata at the package again, when publishing had to renumber it. */
  | "metadata"
  /** Downloading a copy: its .torrent is asked for, then its bytes arrive. */
  | "fetch";

/**
 * Where a flow stands. A transaction is simulated, signed, pending with its hash, then confirmed; a signature is
 * asked for, then signed; the verifier is asked, then answers; encryption, hashing and downloads report bytes done.
 */
export type Stage =
  | { operation: Operation; status: "simulating" | "signing" | "asking" }
  | { operation: Operation; status: "signed" | "done" }
  | { operation: Operation; status: "pending"; hash: Hash }
  | { operation: Operation; status: "confirmed"; hash: Hash; receipt: TransactionReceipt }
  | {
      operation: "encrypt" | "torrent" | "fetch";
      status: "progress";
      done: number;
      total: number | undefined;
    }
  | { operation: "confirmations"; status: "waiting"; seen: number; needed: number };

export type OnStage = (stage: Stage) => void;
