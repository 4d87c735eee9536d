import { identityToRecipient } from "@superdist/package";
import { IDENTITY_STORE, readValue, writeOnce } from "./browserStore.ts";

/** This browser's age identity: an X25519 private key that script can use but never read. */
export type BrowserIdentity = {
  key: CryptoKey;
  /** The age recipient (`age1…`) copies are keyed to. */
  recipient: string;
  createdAt: number;
};

const CURRENT = "current";
let loading: Promise<BrowserIdentity> | undefined;

async function create(): Promise<BrowserIdentity> {
  const pair = (await crypto.subtle.generateKey({ name: "X25519" }, false, ["deriveBits"])) as CryptoKeyPair;
  const recipient = await identityToRecipient(pair.privateKey);
  return { key: pair.privateKey, recipient, createdAt: Date.now() };
}

/** The identity, created on first use; two tabs racing to create one end up sharing the first stored. */
export function browserIdentity(): Promise<BrowserIdentity> {
  loading ??= (async () => {
    const stored = await readValue<BrowserIdentity>(IDENTITY_STORE, CURRENT);
    if (stored) return stored;
    return writeOnce(IDENTITY_STORE, CURRENT, await create());
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
