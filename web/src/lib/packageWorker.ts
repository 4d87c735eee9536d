import { SuperdistError } from "@superdist/errors";
import type { Lineage, PackageErrorCode } from "@superdist/package";
import type { WorkerReply, WorkerRequest } from "../workers/protocol.ts";

/** A package operation that failed in the worker, with the format's stable error code. */
export class PackageWorkerError extends SuperdistError<PackageErrorCode | "WORKER_ERROR"> {
  override name = "PackageWorkerError";
}

export type Progress = (done: number, total: number | undefined) => void;

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (reply: WorkerReply) => void; onProgress?: Progress }>();

function getWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL("../workers/package.worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      const entry = waiting.get(reply.id);
      if (!entry) return;
      if (reply.type === "progress") {
        entry.onProgress?.(reply.done, reply.total);
        return;
      }
      waiting.delete(reply.id);
      entry.resolve(reply);
    };
    // A worker that fails to load or crashes answers nothing more: fail what waits and start afresh next time.
    worker.onerror = (event) => {
      for (const [id, entry] of waiting) {
        entry.resolve({
          type: "failed",
          id,
          code: "WORKER_ERROR",
          message: event.message || "The worker stopped.",
        });
      }
      waiting.clear();
      worker?.terminate();
      worker = undefined;
    };
  }
  return worker;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, "id"> : never) : never;

function call(request: RequestBody, onProgress?: Progress): Promise<WorkerReply> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, { resolve, onProgress });
    getWorker().postMessage({ ...request, id });
  });
}

function failure(reply: WorkerReply): never {
  if (reply.type === "failed") throw new PackageWorkerError(reply.code, reply.message);
  throw new PackageWorkerError("WORKER_ERROR", `unexpected reply ${reply.type}`);
}

/** Decrypts a whole package off the main thread; rejects with the format's code (e.g. PAYLOAD_CORRUPT). */
export async function decryptInWorker(
  file: Blob,
  identities: (CryptoKey | string)[],
  onProgress?: Progress,
): Promise<Blob> {
  const reply = await call({ type: "decrypt", file, identities }, onProgress);
  if (reply.type !== "decrypted") failure(reply);
  return reply.blob;
}

export type EncryptedPackage = {
  blob: Blob;
  fileKey: Uint8Array;
  keyCommitment: `0x${string}`;
  headerSize: number;
};

/** Encrypts a file into a package off the main thread, streaming it from disk. */
export async function encryptInWorker(
  file: Blob,
  parameters: {
    fileKey?: Uint8Array;
    holderRecipients: string[];
    verifierRecipient: string;
    lineage: Lineage;
  },
  onProgress?: Progress,
): Promise<EncryptedPackage> {
  const reply = await call({ type: "encrypt", file, ...parameters }, onProgress);
  if (reply.type !== "encrypted") failure(reply);
  return reply;
}
