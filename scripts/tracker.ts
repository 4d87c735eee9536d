/** The WebSocket BitTorrent tracker browsers announce to for peer-to-peer sharing (loopback only). */
import Server from "bittorrent-tracker/server";

const port = Number(process.env.SUPERDIST_TRACKER_PORT ?? 8000);
const server = new Server({ ws: true, http: false, udp: false, stats: true, trustProxy: false });
server.on("error", (error: Error) => {
  process.stderr.write(`tracker: ${error.message}\n`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ msg: "ready", url: `ws://127.0.0.1:${port}` })}\n`);
});
const shutdown = () => server.close(() => process.exit(0));
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
