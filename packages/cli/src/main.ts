import { parseArgs } from "node:util";
import { isSuperdistError } from "@superdist/errors";
import { VerifierError } from "@superdist/verifier/client";
import { BaseError, ContractFunctionRevertedError } from "viem";
import packageJson from "../package.json" with { type: "json" };
import { CliError, ExitCode } from "./errors.ts";
import { type CliIO, processIO } from "./io.ts";
import { toJson } from "./output.ts";

export const VERSION: string = packageJson.version;

const USAGE = `superdist — superdistribution on chain

Usage: superdist <command> [options]

Commands:
  keygen [--force]             create this device's age identity (mode 0600, readable by \`age -d -i\`);
                               --force replaces an existing one (copies keyed to it then need \`rekey\`)
  publish <file>               encrypt, publish on chain, write the publisher's package
      --price <amount> --currency <ETH|symbol|token address> --rewards <percent,percent,...> --title <text>
      [--description <text>] [--cover <image>] [--royalty <percent>] [--non-transferable] [-o <package>]
      [--tracker <url>]... [--web-seed <url>]... [--url <url>]
                               where copies will be fetched: the package's magnet (tracker, web seeds, the
                               .torrent beside each) and URL go into the content's metadata
  inspect <package>            content, price, holder, lineage, and who earns what if you buy from this copy
  open <package> [-o <file>]   decrypt if this copy is keyed to you (-o - writes to stdout);
                               otherwise how to buy your own (exit 3)
  buy <package> [--yes] [--again]
                               buy through this copy's holder, then re-key and write your own copy;
                               refused if you own a license of it already (re-key instead) unless --again
  rekey <package> [--token <id>] [-o <package>]
                               re-key your licensed copy for this device
  share <package>... [--port <n>] [--tracker <url>]... [--host-url <url>]
                               serve packages as web seeds (HTTP, 127.0.0.1) with their .torrent, announce them
                               to the tracker, print each share link and magnet; serves until Ctrl-C
  fetch <link|magnet|url> [-o <file>]
                               download a shared copy, check every piece and that it is a package
  rewards                      claimable amounts, your licenses, their descendants and earnings
  claim [--currency <ETH|symbol|address>]... [--to <address>]
                               claim rewards (all currencies by default)

A currency is ETH, the symbol of a token the deployment knows (the demo token, DUSD), or a token address.

Options:
  --rpc <url>          chain RPC (SUPERDIST_RPC_URL, default the local stack)
  --market <address>   market contract (SUPERDIST_MARKET, default the generated deployment)
  --from-block <n>     where the market's history starts (SUPERDIST_FROM_BLOCK; known for the generated
                       deployment's market, 0 for any other)
  --indexer <url>      the market's indexer, which rewards and claim read lists from (SUPERDIST_INDEXER_URL;
                       without one they scan the market's logs)
  --verifier <urls>    verifier URL(s), comma separated (SUPERDIST_VERIFIER_URL)
  --dapp <url>         dApp URL for purchase and share links (SUPERDIST_DAPP_URL)
  --tracker <url>      WebSocket tracker (SUPERDIST_TRACKER_URL, default the local stack's); repeatable
  --identity <file>    age identity file (SUPERDIST_IDENTITY_FILE, default ~/.config/superdist/identity.txt)
  --key-file <file>    file holding the wallet's private key (SUPERDIST_KEY_FILE, or the key itself in
                       SUPERDIST_PRIVATE_KEY; never a flag)
  --json               machine-readable output
  --yes                do not ask for confirmation
  --force              keygen: replace an existing identity
  -h, --help           this help
  --version            the version of superdist

Exit codes: 0 done, 1 failed, 2 usage error, 3 copy not keyed to you, 4 confirmation declined.
`;

const OPTIONS = {
  rpc: { type: "string" },
  market: { type: "string" },
  verifier: { type: "string" },
  dapp: { type: "string" },
  identity: { type: "string" },
  "key-file": { type: "string" },
  "from-block": { type: "string" },
  indexer: { type: "string" },
  json: { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  force: { type: "boolean" },
  again: { type: "boolean" },
  output: { type: "string", short: "o" },
  price: { type: "string" },
  currency: { type: "string", multiple: true },
  rewards: { type: "string" },
  title: { type: "string" },
  description: { type: "string" },
  cover: { type: "string" },
  royalty: { type: "string" },
  "non-transferable": { type: "boolean" },
  token: { type: "string" },
  to: { type: "string" },
  tracker: { type: "string", multiple: true },
  "web-seed": { type: "string", multiple: true },
  url: { type: "string" },
  port: { type: "string" },
  "host-url": { type: "string" },
} as const;

export type ParsedOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

type Command = (positionals: string[], options: ParsedOptions, io: CliIO) => Promise<number>;

// Each command loads only what it uses, so that `superdist` starts quickly.
const COMMANDS: Record<string, () => Promise<Command>> = {
  keygen: async () => (await import("./commands/keygen.ts")).keygen,
  publish: async () => (await import("./commands/publish.ts")).publish,
  inspect: async () => (await import("./commands/inspect.ts")).inspect,
  open: async () => (await import("./commands/open.ts")).open,
  buy: async () => (await import("./commands/buy.ts")).buy,
  rekey: async () => (await import("./commands/rekey.ts")).rekey,
  rewards: async () => (await import("./commands/rewards.ts")).rewards,
  claim: async () => (await import("./commands/claim.ts")).claim,
  share: async () => (await import("./commands/share.ts")).share,
  fetch: async () => (await import("./commands/fetch.ts")).fetchCommand,
};

/** Runs one command and returns its exit code; every part of `io` left out is the process's own. */
export async function main(argv: string[], overrides: Partial<CliIO> = {}): Promise<number> {
  const io = processIO(overrides);
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv),
      options: OPTIONS,
      allowPositionals: true,
    });
    json = values.json ?? false;
    const [name, ...rest] = positionals;
    if (values.version) {
      io.stdout.write(`${VERSION}\n`);
      return ExitCode.ok;
    }
    if (values.help || !name) {
      io.stdout.write(USAGE);
      return name || values.help ? ExitCode.ok : ExitCode.usage;
    }
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new CliError("USAGE", `Unknown command "${name}"; see \`superdist --help\`.`);
    return await (await load())(rest, values, io);
  } catch (error) {
    const { code, message, exitCode } = describe(error);
    const data = error instanceof CliError ? error.data : undefined;
    if (json) io.stdout.write(`${toJson({ error: { code, message }, ...data })}\n`);
    io.stderr.write(`superdist: ${message}\n`);
    return exitCode;
  }
}

/**
 * parseArgs reads `--price -1` as a flag missing its value; joined as `--price=-1`, a negative number reaches the
 * command's own check, which says what the flag accepts.
 */
function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      joined.push(...argv.slice(i));
      break;
    }
    const option = arg.startsWith("--")
      ? (OPTIONS as Record<string, { type: string }>)[arg.slice(2)]
      : undefined;
    const next = argv[i + 1];
    if (option?.type === "string" && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** One line for any failure: ours, the package format's, the verifier's, or a contract's custom error. */
function describe(error: unknown): { code: string; message: string; exitCode: number } {
  if (error instanceof CliError)
    return { code: error.code, message: error.shortMessage, exitCode: error.exitCode };
  if (error instanceof VerifierError) {
    return { code: error.code, message: `verifier: ${error.shortMessage}`, exitCode: ExitCode.error };
  }
  // The package format's and the SDK's refusals: one short message each, details left to --json's code.
  if (isSuperdistError(error))
    return { code: error.code, message: error.shortMessage, exitCode: ExitCode.error };
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName) {
      const args = (revert.data.args ?? []).map(String).join(", ");
      return {
        code: revert.data.errorName,
        message: `the market refused: ${revert.data.errorName}(${args})`,
        exitCode: ExitCode.error,
      };
    }
    return { code: "CHAIN", message: error.shortMessage, exitCode: ExitCode.error };
  }
  // Unknown options, missing or ambiguous values, values given to a boolean: parseArgs' several-line message, on one.
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS_")) {
    const message = `${error.message.replace(/\s*\n\s*/g, " ")} See \`superdist --help\`.`;
    return { code: "USAGE", message, exitCode: ExitCode.usage };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "UNEXPECTED", message, exitCode: ExitCode.error };
}
