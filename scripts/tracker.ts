/** The WebSocket BitTorrent tracker browsers announce to for peer-to-peer sharing (loopback only). */
import { startTracker } from "./stack/trackerServer.ts";

const port = Number(process.env.SUPERDIST_TRACKER_PORT ?? 8000);
const fail = (error: Error) => {
  process.stderr.write(`tracker: ${error.message}\n`);
  process.exit(1);
};
const tracker = await startTracker({ port, stats: true }).catch(fail);
tracker.server.on("error", fail);
process.stdout.write(`${JSON.stringify({ msg: "ready", url: tracker.url })}\n`);
const shutdown = () => tracker.close().then(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
