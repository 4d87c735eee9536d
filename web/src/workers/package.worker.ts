/// <reference lib="webworker" />
import { decryptBlob, encryptBlob, isPackageError } from "@superdist/package";
import { loadWasmCipher } from "@superdist/package/wasm";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

// Off the main thread so the page stays responsive. The output is gathered into Blobs, which the browser may
// keep on disk, so no file is ever held whole in this worker's memory.
const PROGRESS_INTERVAL_MS = 100;

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(reply: WorkerReply): void {
  scope.postMessage(reply);
}

function progressReporter(id: number) {
  let last = 0;
  return (done: number, total: number | undefined) => {
    const now = Date.now();
    if (now - last < PROGRESS_INTERVAL_MS && done !== total) return;
    last = now;
    post({ type: "progress", id, done, total });
  };
}

async function handle(request: WorkerRequest): Promise<void> {
  const onProgress = progressReporter(request.id);
  // Three times the portable cipher's speed (docs/benchmarks.md, "Browser"); loaded on the first request.
  const cipher = await loadWasmCipher();
  if (request.type === "decrypt") {
    const opened = await decryptBlob(request.file, { identities: request.identities, onProgress, cipher });
    post({ type: "decrypted", id: request.id, blob: opened.blob });
    return;
  }
  const encrypted = await encryptBlob(request.file, {
    fileKey: request.fileKey,
    holderRecipients: request.holderRecipients,
    verifierRecipient: request.verifierRecipient,
    lineage: request.lineage,
    onProgress,
    cipher,
  });
  post({
    type: "encrypted",
    id: request.id,
    blob: encrypted.blob,
    fileKey: encrypted.fileKey,
    keyCommitment: encrypted.keyCommitment,
    headerSize: encrypted.header.bytes.length,
  });
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error: unknown) => {
    post({
      type: "failed",
      id: event.data.id,
      code: isPackageError(error) ? error.code : "WORKER_ERROR",
      message: error instanceof Error ? error.message : String(error),
    });
  });
};
