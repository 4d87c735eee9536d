// Standard padded base64 (RFC 4648 §4), the wire form of headers. Browser-safe: atob/btoa exist in both.

const canonical = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked so that String.fromCharCode never receives more arguments than the engine allows; through apply,
  // which takes the typed array as it is, where a spread walks it with an iterator at several times the cost.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

/** Decodes padded base64, or returns null for anything else (whitespace, URL alphabet, missing padding). */
export function decodeBase64(text: string): Uint8Array | null {
  if (!canonical.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
