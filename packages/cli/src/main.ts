import { parseArgs } from "node:util";
import { isPackageError } from "@superdist/package";
import { VerifierError } from "@superdist/verifier/client";
import { BaseError, ContractFunctionRevertedError } from "viem";
import { CliError, ExitCode } from "./errors.ts";
import { toJson } from "./output.ts";

const USAGE = `superdist — superdistribution on chain

Usage: superdist <command> [options]

Commands:
  keygen                       create this device's age identity (mode 0600, readable by \`age -d -i\`)
  publish <file>               encrypt, publish on chain, write the publisher's package
      --price <amount> --currency <ETH|token address> --rewards <percent,percent,...> --title <text>
      [--description <text>] [--royalty <percent>] [--non-transferable] [-o <package>]
  inspect <package>            content, price, holder, lineage, and who earns what if you buy from this copy
  open <package> [-o <file>]   decrypt if this copy is keyed to you; otherwise how to buy your own (exit 3)
  buy <package> [--yes]        buy through this copy's holder, then re-key and write your own copy
  rekey <package> [--token <id>] [-o <package>]
                               re-key your licensed copy for this device
  rewards                      claimable amounts, your licenses, their descendants and earnings
  claim [--currency <ETH|address>]... [--to <address>]
                               claim rewards (all currencies by default)

Options:
  --rpc <url>          chain RPC (SUPERDIST_RPC_URL, default the local stack)
  --market <address>   market contract (SUPERDIST_MARKET, default the generated deployment)
  --verifier <urls>    verifier URL(s), comma separated (SUPERDIST_VERIFIER_URL)
  --dapp <url>         dApp URL for purchase links (SUPERDIST_DAPP_URL)
  --identity <file>    age identity file (SUPERDIST_IDENTITY_FILE, default ~/.config/superdist/identity.txt)
  --key-file <file>    file holding the wallet's private key (or SUPERDIST_PRIVATE_KEY; never a flag)
  --json               machine-readable output
  --yes                do not ask for confirmation
  -h, --help           this help
`;

const OPTIONS = {
  rpc: { type: "string" },
  market: { type: "string" },
  verifier: { type: "string" },
  dapp: { type: "string" },
  identity: { type: "string" },
  "key-file": { type: "string" },
  json: { type: "boolean" },
  yes: { type: "boolean", short: "y" },
  help: { type: "boolean", short: "h" },
  force: { type: "boolean" },
  output: { type: "string", short: "o" },
  price: { type: "string" },
  currency: { type: "string", multiple: true },
  rewards: { type: "string" },
  title: { type: "string" },
  description: { type: "string" },
  royalty: { type: "string" },
  "non-transferable": { type: "boolean" },
  token: { type: "string" },
  to: { type: "string" },
} as const;

export type ParsedOptions = ReturnType<
  typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>
>["values"];

type Command = (positionals: string[], options: ParsedOptions) => Promise<number>;

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
};

export async function main(argv: string[]): Promise<number> {
  let json = argv.includes("--json");
  try {
    const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    json = values.json ?? false;
    const [name, ...rest] = positionals;
    if (values.help || !name) {
      process.stdout.write(USAGE);
      return name || values.help ? ExitCode.ok : ExitCode.usage;
    }
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new CliError("USAGE", `Unknown command "${name}"; see \`superdist --help\`.`);
    return await (await load())(rest, values);
  } catch (error) {
    const { code, message, exitCode } = describe(error);
    if (json) process.stdout.write(`${toJson({ error: { code, message } })}\n`);
    process.stderr.write(`superdist: ${message}\n`);
    return exitCode;
  }
}

/** One line for any failure: ours, the package format's, the verifier's, or a contract's custom error. */
function describe(error: unknown): { code: string; message: string; exitCode: number } {
  if (error instanceof CliError)
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  if (isPackageError(error))
    return { code: error.code, message: error.shortMessage, exitCode: ExitCode.error };
  if (error instanceof VerifierError) {
    return { code: error.code, message: `verifier: ${error.shortMessage}`, exitCode: ExitCode.error };
  }
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
  if (error instanceof TypeError && "code" in error && error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return { code: "USAGE", message: error.message, exitCode: ExitCode.usage };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: "UNEXPECTED", message, exitCode: ExitCode.error };
}
