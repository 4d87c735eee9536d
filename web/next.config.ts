import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Metadata in the <head> for every reader, not streamed after the page: link previews by apps missing from Next's
  // list of bots find a content's title, price and cover too.
  htmlLimitedBots: /.*/,
  // The workspace packages ship TypeScript sources; Next compiles them like app code.
  transpilePackages: [
    "@superdist/contracts",
    "@superdist/errors",
    "@superdist/package",
    "@superdist/sdk",
    "@superdist/verifier",
  ],
};

export default nextConfig;
