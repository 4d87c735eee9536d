import type { Lineage, PackageErrorCode } from "@superdist/package";

/** Messages between the page and the package worker; Blobs and CryptoKeys cross by structured clone. */
export type WorkerRequest =
  | { type: "decrypt"; id: number; file: Blob; identities: (CryptoKey | string)[] }
  | {
      type: "encrypt";
      id: number;
      file: Blob;
      /** The key the publisher commits to on chain; a fresh one when absent. */
      fileKey?: Uint8Array;
      holderRecipients: string[];
      verifierRecipient: string;
      lineage: Lineage;
    };

export type WorkerReply =
  | { type: "progress"; id: number; done: number; total: number | undefined }
  | { type: "decrypted"; id: number; blob: Blob }
  | {
      type: "encrypted";
      id: number;
      blob: Blob;
      fileKey: Uint8Array;
      keyCommitment: `0x${string}`;
      headerSize: number;
    }
  | { type: "failed"; id: number; code: PackageErrorCode | "WORKER_ERROR"; message: string };
