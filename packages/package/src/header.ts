import { base64nopad } from "@scure/base";
import { Decrypter } from "age-encryption";
import { hkdfSha256, hmacSha256 } from "#kdf";
import { checkFileKey } from "./commitment.ts";
import { PackageError } from "./errors.ts";
import { LINEAGE_STANZA, type Lineage, lineageArgs, parseLineageArgs } from "./lineage.ts";
import {
  isX25519PrivateKey,
  type PreparedX25519Identity,
  parseX25519Recipient,
  prepareX25519Identity,
  unwrapX25519,
  wrapX25519,
} from "./x25519.ts";

export const AGE_VERSION_LINE = "age-encryption.org/v1";
/** Largest header accepted or written, MAC line included. */
export const MAX_HEADER_SIZE = 16 * 1024;
/** Most stanzas accepted or written in one header. */
export const MAX_STANZAS = 32;

export type Stanza = { type: string; args: string[]; body: Uint8Array };

export type PackageHeader = {
  stanzas: Stanza[];
  mac: Uint8Array;
  /** The header bytes from "age-encryption.org/v1\n" through the MAC line, including its "\n". */
  bytes: Uint8Array;
  lineage: Lineage;
};

const LF = 0x0a;
const BODY_COLUMNS = 64;
const BODY_BYTES_PER_LINE = 48;
const MAC_LENGTH = 32;
// "--- " + 43 base64 characters of a 32-byte MAC + "\n"
const MAC_LINE_LENGTH = 48;
const MAC_LINE = /^--- [A-Za-z0-9+/]{43}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERSION_BYTES = encoder.encode(`${AGE_VERSION_LINE}\n`);
const HEADER_LABEL = encoder.encode("header");

function malformed(details: string, cause?: unknown): PackageError {
  return new PackageError("HEADER_MALFORMED", "The package header is malformed.", { details, cause });
}

/** The header as the MAC sees it: every line up to and including "---", without the space and MAC. */
export function encodeHeaderNoMac(stanzas: readonly Stanza[]): Uint8Array {
  const lines = [`${AGE_VERSION_LINE}\n`];
  for (const s of stanzas) {
    lines.push(`-> ${[s.type, ...s.args].join(" ")}\n`);
    // Full 64-column lines, then always one shorter (possibly empty) line that ends the body.
    for (let i = 0; i <= s.body.length; i += BODY_BYTES_PER_LINE) {
      lines.push(`${base64nopad.encode(s.body.subarray(i, i + BODY_BYTES_PER_LINE))}\n`);
    }
  }
  lines.push("---");
  return encoder.encode(lines.join(""));
}

function headerMacKey(fileKey: Uint8Array): Uint8Array {
  return hkdfSha256(fileKey, undefined, HEADER_LABEL, 32);
}

export function headerMac(fileKey: Uint8Array, headerNoMac: Uint8Array): Uint8Array {
  return hmacSha256(headerMacKey(fileKey), headerNoMac);
}

function isVersionPrefix(bytes: Uint8Array): boolean {
  return bytes.every((b, i) => b === VERSION_BYTES[i]);
}

/**
 * Parses a package header from the start of `bytes`; anything after the MAC line (the payload) is ignored.
 * The grammar is exactly age v1's, read strictly: LF line ends, printable ASCII, canonical unpadded base64,
 * 64-column body lines ended by a shorter one. On top of it: limits, well-formed X25519 stanzas, and exactly
 * one lineage stanza.
 */
export function parseHeader(bytes: Uint8Array): PackageHeader {
  if (bytes.length < VERSION_BYTES.length || !isVersionPrefix(bytes.subarray(0, VERSION_BYTES.length))) {
    if (bytes.length < VERSION_BYTES.length && isVersionPrefix(bytes)) {
      throw new PackageError("HEADER_TRUNCATED", "The package ends inside its header.");
    }
    throw new PackageError("NOT_AGE", "This is not an age v1 file.", {
      details: "it does not start with the line age-encryption.org/v1",
    });
  }
  const window = bytes.subarray(0, Math.min(bytes.length, MAX_HEADER_SIZE));
  let pos = VERSION_BYTES.length;
  const nextLine = (): string => {
    const end = window.indexOf(LF, pos);
    if (end < 0) {
      if (bytes.length >= MAX_HEADER_SIZE) {
        throw new PackageError("HEADER_TOO_LARGE", "The package header is too large.", {
          details: `no MAC line within ${MAX_HEADER_SIZE} bytes`,
        });
      }
      throw new PackageError("HEADER_TRUNCATED", "The package ends inside its header.");
    }
    for (let i = pos; i < end; i++) {
      const b = window[i] as number;
      if (b < 0x20 || b > 0x7e)
        throw malformed(`byte 0x${b.toString(16)} at offset ${i} is not printable ASCII`);
    }
    // Printable ASCII decodes the same under any decoder; TextDecoder does it natively, a spread byte by byte.
    const line = decoder.decode(window.subarray(pos, end));
    pos = end + 1;
    return line;
  };
  const decodeBase64 = (text: string, what: string): Uint8Array => {
    try {
      return base64nopad.decode(text);
    } catch (cause) {
      throw malformed(`${what} is not canonical unpadded base64`, cause);
    }
  };

  const stanzas: Stanza[] = [];
  for (;;) {
    const line = nextLine();
    if (line.startsWith("---")) {
      if (!MAC_LINE.test(line)) throw malformed("the MAC line must be '--- ' and 43 base64 characters");
      const mac = decodeBase64(line.slice(4), "the MAC");
      if (stanzas.length === 0) throw malformed("the header has no stanza");
      return checkStanzas(stanzas, mac, bytes.slice(0, pos));
    }
    if (!line.startsWith("-> ")) throw malformed(`unexpected line "${line.slice(0, 80)}"`);
    if (stanzas.length === MAX_STANZAS) {
      throw new PackageError("TOO_MANY_STANZAS", "The package header has too many stanzas.", {
        details: `at most ${MAX_STANZAS} are allowed`,
      });
    }
    const [type, ...args] = line.slice(3).split(" ");
    if (type === undefined || type === "" || args.some((a) => a === "")) {
      throw malformed(`stanza line "${line.slice(0, 80)}" has an empty argument`);
    }
    const bodyLines: Uint8Array[] = [];
    for (;;) {
      const bodyLine = nextLine();
      if (bodyLine.length > BODY_COLUMNS)
        throw malformed(`a "${type}" stanza body line is longer than 64 columns`);
      bodyLines.push(decodeBase64(bodyLine, `a "${type}" stanza body line`));
      if (bodyLine.length < BODY_COLUMNS) break;
    }
    const body = new Uint8Array(bodyLines.reduce((n, l) => n + l.length, 0));
    let offset = 0;
    for (const l of bodyLines) {
      body.set(l, offset);
      offset += l.length;
    }
    stanzas.push({ type, args, body });
  }
}

function checkStanzas(stanzas: Stanza[], mac: Uint8Array, bytes: Uint8Array): PackageHeader {
  let lineage: Lineage | undefined;
  for (const s of stanzas) {
    if (s.type === "X25519") {
      // The same rule age's X25519 identity applies, checked up front so every reader fails the same way.
      const share = s.args.length === 1 ? safeDecode(s.args[0] as string) : undefined;
      if (share?.length !== 32 || s.body.length !== 32) throw malformed("an X25519 stanza is malformed");
    } else if (s.type === LINEAGE_STANZA) {
      if (lineage !== undefined) {
        throw new PackageError("LINEAGE_DUPLICATE", "The package header has more than one lineage stanza.");
      }
      lineage = parseLineageArgs(s.args, s.body);
    }
  }
  if (lineage === undefined) {
    throw new PackageError("LINEAGE_MISSING", "The header has no lineage stanza: this is not a package.", {
      details: `no "${LINEAGE_STANZA}" stanza`,
    });
  }
  return { stanzas, mac, bytes, lineage };
}

function safeDecode(text: string): Uint8Array | undefined {
  try {
    return base64nopad.decode(text);
  } catch {
    return undefined;
  }
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Throws MAC_MISMATCH unless the header's MAC was made with `fileKey` over exactly these header bytes. */
export async function verifyHeaderMac(header: PackageHeader, fileKey: Uint8Array): Promise<void> {
  checkFileKey(fileKey);
  checkHeaderMac(header, headerMacKey(fileKey));
}

function checkHeaderMac(header: PackageHeader, macKey: Uint8Array): void {
  const headerNoMac = header.bytes.subarray(0, header.bytes.length - (MAC_LINE_LENGTH - 3));
  if (header.mac.length !== MAC_LENGTH || !constantTimeEqual(hmacSha256(macKey, headerNoMac), header.mac)) {
    throw new PackageError("MAC_MISMATCH", "The package header does not match its file key.", {
      details: "the header MAC is wrong: a stanza or the lineage was changed",
    });
  }
}

function isX25519Identity(identity: string | CryptoKey): boolean {
  return typeof identity === "string"
    ? identity.startsWith("AGE-SECRET-KEY-1")
    : isX25519PrivateKey(identity);
}

function checkIdentity(identity: string | CryptoKey): void {
  const ok =
    typeof identity === "string" ? identity.startsWith("AGE-SECRET-KEY-") : isX25519PrivateKey(identity);
  if (!ok) {
    throw new PackageError("INVALID_IDENTITY", "Not an age identity.", {
      details: "expected AGE-SECRET-KEY-1... or an X25519 private CryptoKey with deriveBits",
    });
  }
}

export type UnwrapHeaderReturnType = {
  fileKey: Uint8Array;
  /** The X25519 stanza that yielded the key; absent when an identity of another type matched. */
  stanza?: Stanza;
  /** The age recipient of the X25519 identity that matched ("age1..."); absent for other types. */
  recipient?: string;
  /** Index in `identities` of the identity that matched. */
  identityIndex: number;
};

/**
 * Unwraps the file key with the identities, then checks the header MAC with it: a key from a tampered header
 * surfaces as MAC_MISMATCH rather than as a key. Null when no identity matches a stanza. Identities are age's
 * (strings or X25519 CryptoKeys); X25519 CryptoKeys are prepared once and remembered, so a service passing the
 * same keys for every header pays one scalar multiplication per stanza tried. The last X25519 stanza is tried
 * first: packages put the verifier's there, and the verifier is the one unwrapping many headers.
 */
export async function unwrapHeader(
  header: PackageHeader,
  identities: readonly (string | CryptoKey)[],
): Promise<UnwrapHeaderReturnType | null> {
  for (const identity of identities) checkIdentity(identity);
  const x25519: { identity: PreparedX25519Identity; index: number }[] = [];
  const others: { identity: string; index: number }[] = [];
  for (const [index, identity] of identities.entries()) {
    if (isX25519Identity(identity)) x25519.push({ identity: await prepareX25519Identity(identity), index });
    else others.push({ identity: identity as string, index });
  }
  const stanzas = header.stanzas.filter((s) => s.type === "X25519");
  const last = stanzas.pop();
  if (last) stanzas.unshift(last);
  for (const stanza of stanzas) {
    for (const { identity, index } of x25519) {
      const fileKey = await unwrapX25519(stanza, identity);
      if (fileKey) {
        await verifyHeaderMac(header, fileKey);
        return { fileKey, stanza, recipient: identity.recipient, identityIndex: index };
      }
    }
  }
  for (const { identity, index } of others) {
    const fileKey = await unwrapWithAge(header, identity);
    if (fileKey) return { fileKey, identityIndex: index };
  }
  return null;
}

/** The file key of `header` for the first identity that matches a stanza, MAC checked; see unwrapHeader. */
export async function unwrapFileKey(
  header: PackageHeader,
  identities: (string | CryptoKey)[],
): Promise<Uint8Array | null> {
  return (await unwrapHeader(header, identities))?.fileKey ?? null;
}

// Identities of types packages do not write themselves (age's post-quantum hybrid) go through age-encryption,
// whose Decrypter checks the MAC as part of unwrapping.
async function unwrapWithAge(header: PackageHeader, identity: string): Promise<Uint8Array | null> {
  const decrypter = new Decrypter();
  try {
    decrypter.addIdentity(identity);
  } catch (cause) {
    throw new PackageError("INVALID_IDENTITY", "Not an age identity.", { cause });
  }
  try {
    return await decrypter.decryptHeader(header.bytes);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : "";
    if (message.includes("no identity matched")) return null;
    if (message.includes("HMAC")) {
      throw new PackageError("MAC_MISMATCH", "The package header does not match its file key.", {
        details: "the header MAC is wrong: a stanza or the lineage was changed",
        cause,
      });
    }
    throw malformed("age-encryption rejected the header", cause);
  }
}

export type WriteHeaderParameters = {
  fileKey: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  lineage: Lineage;
};

/** A fresh header: one X25519 stanza per holder recipient, the verifier's, the lineage; MAC by `fileKey`. */
export async function writeHeader(p: WriteHeaderParameters): Promise<Uint8Array> {
  checkFileKey(p.fileKey);
  return assembleHeader(p.fileKey, p.holderRecipients, p.verifierRecipient, p.lineage);
}

async function assembleHeader(
  fileKey: Uint8Array,
  holderRecipients: string[],
  verifierRecipient: string,
  lineage: Lineage,
  verifierStanza?: Stanza,
  macKey = headerMacKey(fileKey),
): Promise<Uint8Array> {
  if (!Array.isArray(holderRecipients) || holderRecipients.length === 0) {
    throw new PackageError("INVALID_RECIPIENT", "A package needs at least one holder recipient.");
  }
  if (holderRecipients.length + 2 > MAX_STANZAS) {
    throw new PackageError("TOO_MANY_STANZAS", "Too many holder recipients.", {
      details: `at most ${MAX_STANZAS - 2} holder recipients fit in a header`,
    });
  }
  const lineageStanza = { type: LINEAGE_STANZA, args: lineageArgs(lineage), body: new Uint8Array(0) };
  const keys = [...holderRecipients, verifierRecipient].map(parseX25519Recipient);
  const verifierKey = keys.pop() as Uint8Array;
  const stanzas = await Promise.all([
    ...keys.map((key) => wrapX25519(fileKey, key)),
    verifierStanza ?? wrapX25519(fileKey, verifierKey),
  ]);
  stanzas.push(lineageStanza);
  const headerNoMac = encodeHeaderNoMac(stanzas);
  const macLine = encoder.encode(` ${base64nopad.encode(hmacSha256(macKey, headerNoMac))}\n`);
  const bytes = new Uint8Array(headerNoMac.length + macLine.length);
  bytes.set(headerNoMac, 0);
  bytes.set(macLine, headerNoMac.length);
  if (bytes.length > MAX_HEADER_SIZE) {
    throw new PackageError("HEADER_TOO_LARGE", "The package header would be too large.", {
      details: `${bytes.length} bytes, at most ${MAX_HEADER_SIZE}`,
    });
  }
  return bytes;
}

export type RekeyHeaderParameters = {
  header: PackageHeader;
  fileKey: Uint8Array;
  holderRecipients: string[];
  verifierRecipient: string;
  holderTokenId: bigint;
  /**
   * An X25519 stanza of `header` that wraps `fileKey` to `verifierRecipient`, as unwrapHeader returns it when
   * the verifier's current identity matched. It is copied as is instead of wrapping the key anew: the same key
   * to the same recipient, without an ephemeral key and an agreement.
   */
  verifierStanza?: Stanza | undefined;
};

/**
 * The header of the same content for a new holder: same file key (so the payload and its nonce stay valid),
 * fresh holder stanzas, the verifier's (reused when given), and the lineage with `holderTokenId`. Refuses a file
 * key that did not make `header`.
 */
export async function rekeyHeader(p: RekeyHeaderParameters): Promise<Uint8Array> {
  checkFileKey(p.fileKey);
  // One MAC key checks the old header and signs the new one: same file key, same key.
  const macKey = headerMacKey(p.fileKey);
  checkHeaderMac(p.header, macKey);
  const reused = p.verifierStanza;
  if (reused !== undefined && (reused.type !== "X25519" || !p.header.stanzas.includes(reused))) {
    throw new PackageError(
      "INVALID_RECIPIENT",
      "The verifier stanza to reuse is not an X25519 stanza of the header.",
    );
  }
  const lineage = { ...p.header.lineage, holderTokenId: p.holderTokenId };
  return assembleHeader(p.fileKey, p.holderRecipients, p.verifierRecipient, lineage, reused, macKey);
}
