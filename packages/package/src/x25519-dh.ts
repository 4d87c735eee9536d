// WebCrypto's X25519 (current browsers and Node): the private key stays where JavaScript cannot read it back.

/** X25519(privateKey, publicKey): the 32-byte shared secret. */
export async function deriveSecret(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
  const peer = await crypto.subtle.importKey(
    "raw",
    publicKey as Uint8Array<ArrayBuffer>,
    { name: "X25519" },
    false,
    [],
  );
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "X25519", public: peer }, privateKey, 256));
}

/** A fresh ephemeral key agreed with `publicKey`: its public half (the share) and the shared secret. */
export async function ephemeralAgreement(
  publicKey: Uint8Array,
): Promise<{ share: Uint8Array; secret: Uint8Array }> {
  const ephemeral = (await crypto.subtle.generateKey({ name: "X25519" }, true, [
    "deriveBits",
  ])) as CryptoKeyPair;
  const share = new Uint8Array(await crypto.subtle.exportKey("raw", ephemeral.publicKey));
  return { share, secret: await deriveSecret(ephemeral.privateKey, publicKey) };
}
