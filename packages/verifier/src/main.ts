import { serveVerifier } from "./cluster.ts";

// The `npm run verifier` entry point, and every worker's; serveVerifier holds the service so that tests can run it
// in-process.
await serveVerifier(process.env, process);
