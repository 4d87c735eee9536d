// The actions that work on files, for Node: the CLI and servers.
export { type PublishFileParameters, type PublishFileReturnType, publishFile } from "./node/publishFile.ts";
export {
  type RekeyCopyFileParameters,
  type RekeyCopyFileReturnType,
  rekeyCopyFile,
} from "./node/rekeyCopyFile.ts";
