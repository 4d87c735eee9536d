import { randomUUID } from "node:crypto";
import { chmod, link, mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { bech32 } from "@scure/base";
import { generateX25519Identity, identityToRecipient } from "@superdist/package";
import { VerifierConfigError } from "./config.ts";

/**
 * The verifier's age identities. The first is current: its recipient is published and written into every new
 * header. Any further ones are retired identities kept only to unwrap copies made for them (key rotation).
 */
export type VerifierIdentity = {
  identities: readonly string[];
  recipient: string;
};

export const defaultIdentityFile = ".superdist/verifier-identity.txt";

/** Parses an age identity file: one `AGE-SECRET-KEY-1...` per line, `#` comments and blank lines ignored. */
export async function parseIdentities(text: string): Promise<VerifierIdentity> {
  const identities = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  if (identities.length === 0) throw new VerifierConfigError("The verifier identity holds no age identity.");
  let recipient: string | undefined;
  for (const identity of identities) {
    if (!identity.startsWith("AGE-SECRET-KEY-1")) {
      throw new VerifierConfigError(
        "The verifier identity must be X25519 age identities (AGE-SECRET-KEY-1...).",
      );
    }
    try {
      const own = await identityToRecipient(identity);
      recipient ??= own;
    } catch {
      throw new VerifierConfigError("The verifier identity holds a malformed age identity.");
    }
  }
  return { identities, recipient: recipient as string };
}

export type LoadIdentityParameters = {
  /** The identity itself (SUPERDIST_VERIFIER_IDENTITY); wins over the file. */
  identity?: string | undefined;
  /** SUPERDIST_VERIFIER_IDENTITY_FILE; must not be readable by group or others. */
  identityFile?: string | undefined;
  /** Create the file with a fresh identity when it is missing (local development). */
  generate?: boolean | undefined;
};

export type LoadIdentityReturnType = VerifierIdentity & { generatedFile?: string };

export async function loadIdentity(parameters: LoadIdentityParameters): Promise<LoadIdentityReturnType> {
  if (parameters.identity) return parseIdentities(parameters.identity);
  const file = parameters.identityFile ?? defaultIdentityFile;
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || !parameters.generate) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      throw new VerifierConfigError(
        missing
          ? `The verifier identity file ${file} does not exist. Create one with \`age-keygen -o ${file} && chmod 600 ${file}\` and keep it secret: it unlocks every copy of the contents that name this verifier.`
          : `The verifier identity file ${file} cannot be read.`,
        { cause: error },
      );
    }
    try {
      return { ...(await generateIdentityFile(file)), generatedFile: file };
    } catch (creation) {
      // Another process created it first: use theirs.
      if ((creation as NodeJS.ErrnoException).code === "EEXIST") return loadIdentity({ identityFile: file });
      throw creation;
    }
  }
  // Like ssh with private keys: a secret others can read is treated as already leaked.
  if ((mode & 0o077) !== 0) {
    throw new VerifierConfigError(
      `The verifier identity file ${file} is accessible to other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it.`,
    );
  }
  return parseIdentities(await readFile(file, "utf8"));
}

async function generateIdentityFile(file: string): Promise<VerifierIdentity> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Written in full under a name of its own, then linked into place: a process starting at the same moment sees
  // no file or a complete one (never an empty one), and link fails with EEXIST instead of replacing a key.
  const partial = `${file}.${randomUUID()}.partial`;
  const handle = await open(partial, "wx", 0o600);
  try {
    try {
      await handle.writeFile(
        `# created: ${new Date().toISOString()}\n# public key: ${recipient}\n${identity}\n`,
        "utf8",
      );
    } finally {
      await handle.close();
    }
    await chmod(partial, 0o600);
    await link(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return { identities: [identity], recipient };
}

// PKCS #8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports X25519 private keys only this way.
const pkcs8Prefix = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
];

/**
 * Imports an age X25519 identity once as a non-extractable WebCrypto key: unwrapping then skips decoding and
 * importing the secret on every request, and the process holds it where JavaScript cannot read it back.
 */
export async function importIdentityKey(identity: string): Promise<CryptoKey> {
  const { prefix, bytes } = bech32.decodeToBytes(identity);
  if (prefix.toUpperCase() !== "AGE-SECRET-KEY-" || bytes.length !== 32) {
    throw new VerifierConfigError("The verifier identity is not an X25519 age identity.");
  }
  const pkcs8 = new Uint8Array([...pkcs8Prefix, ...bytes]);
  bytes.fill(0);
  try {
    return await crypto.subtle.importKey("pkcs8", pkcs8, { name: "X25519" }, false, ["deriveBits"]);
  } finally {
    pkcs8.fill(0);
  }
}
