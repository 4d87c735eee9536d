/** The Debian Chromium every browser test drives, with the flags this machine's closed network needs. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  // WebRTC between pages on loopback needs the real local address, not an mDNS name.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];
