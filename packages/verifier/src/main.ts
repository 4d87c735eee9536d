import { configFromEnv } from "./env.ts";
import { startVerifier } from "./server.ts";

// The `npm run verifier` entry point: configuration comes from the environment (see env.ts).
try {
  const config = await configFromEnv();
  if (config.generatedIdentityFile) {
    process.stderr.write(
      `Created a verifier identity in ${config.generatedIdentityFile} (mode 600).\nVerifier recipient: ${config.recipient}\n`,
    );
  }
  const verifier = await startVerifier(config);
  process.stdout.write(
    `${JSON.stringify({ msg: "ready", url: verifier.url, recipient: verifier.recipient })}\n`,
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    verifier.logger.info({ signal }, "shutting down");
    verifier.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(`superdist verifier: ${(error as Error).message}${code ? ` (${code})` : ""}\n`);
  process.exit(1);
}
