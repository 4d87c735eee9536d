import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
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
