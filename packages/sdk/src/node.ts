// The actions that work on files, for Node: the CLI and servers.

export {
  type FetchCopyFileParameters,
  type FetchCopyFileReturnType,
  fetchCopyFile,
} from "./node/fetchCopyFile.ts";
export { type PublishFileParameters, type PublishFileReturnType, publishFile } from "./node/publishFile.ts";
export {
  type RekeyCopyFileParameters,
  type RekeyCopyFileReturnType,
  rekeyCopyFile,
} from "./node/rekeyCopyFile.ts";
export {
  parseRange,
  type ServeCopyParameters,
  type ServeCopyReturnType,
  type ServedCopy,
  type ServedRequest,
  serveCopy,
  type TrackerEvent,
} from "./node/serveCopy.ts";
