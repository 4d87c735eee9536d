/// <reference lib="webworker" />
import { decryptPackage, encryptPackage, isPackageError } from "@superdist/package";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

// Off the main thread so the page stays responsive; output is gathered into Blobs a few MiB at a time, which
// the browser may keep on disk, so no file is ever held whole in this worker's memory.
const FLUSH_BYTES = 8 * 1024 * 1024;
const PROGRESS_INTERVAL_MS = 100;

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(reply: WorkerReply): void {
  scope.postMessage(reply);
}

async function collect(stream: ReadableStream<Uint8Array>, type = ""): Promise<Blob> {
  const blobs: Blob[] = [];
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let pending = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value as Uint8Array<ArrayBuffer>);
    pending += value.length;
    if (pending >= FLUSH_BYTES) {
      blobs.push(new Blob(parts));
      parts = [];
      pending = 0;
    }
  }
  blobs.push(new Blob(parts));
  return new Blob(blobs, { type });
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
  if (request.type === "decrypt") {
    const opened = await decryptPackage(request.file.stream(), {
      identities: request.identities,
      packageSize: request.file.size,
      onProgress,
    });
    post({ type: "decrypted", id: request.id, blob: await collect(opened.stream) });
    return;
  }
  const encrypted = await encryptPackage(request.file.stream(), {
    fileKey: request.fileKey,
    holderRecipients: request.holderRecipients,
    verifierRecipient: request.verifierRecipient,
    lineage: request.lineage,
    plaintextSize: request.file.size,
    onProgress,
  });
  const blob = await collect(encrypted.stream);
  post({
    type: "encrypted",
    id: request.id,
    blob,
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
