import { runVerifier } from "./server.ts";

// The `npm run verifier` entry point; runVerifier holds the service so that tests can run it in-process.
await runVerifier(process.env, process);
