/** Random bytes of any length: WebCrypto fills at most 64 KiB per call. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += 65_536)
    crypto.getRandomValues(out.subarray(at, Math.min(length, at + 65_536)));
  return out;
}
