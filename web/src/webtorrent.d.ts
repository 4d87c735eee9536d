// The prebuilt browser bundle of webtorrent ships no types; this is the part of its API the app uses.
declare module "webtorrent/dist/webtorrent.min.js" {
  export type TorrentFile = { name: string; length: number; blob(): Promise<Blob> };
  export type Torrent = {
    infoHash: string;
    magnetURI: string;
    progress: number;
    downloaded: number;
    uploaded: number;
    length: number;
    numPeers: number;
    files: TorrentFile[];
    done: boolean;
    on(event: "download" | "upload", listener: (bytes: number) => void): void;
    on(event: "done" | "ready" | "wire" | "metadata", listener: () => void): void;
    on(event: "error", listener: (error: Error | string) => void): void;
    destroy(callback?: (error?: Error) => void): void;
  };
  export type TorrentOptions = {
    announce?: string[];
    name?: string;
    pieceLength?: number;
    maxWebConns?: number;
    store?: new (chunkLength: number, options: object) => unknown;
  };
  export default class WebTorrent {
    constructor(options?: Record<string, unknown>);
    seed(input: File | Blob | File[], options: TorrentOptions, onSeed?: (torrent: Torrent) => void): Torrent;
    add(magnet: string, options: TorrentOptions, onTorrent?: (torrent: Torrent) => void): Torrent;
    get(id: string): Promise<Torrent | null>;
    on(event: "error", listener: (error: Error | string) => void): void;
    destroy(callback?: (error?: Error) => void): void;
  }
}

// WebTorrent's chunk store in browsers (bundled into webtorrent's own build); the part of it the app extends.
declare module "fsa-chunk-store" {
  export default class FSAChunkStore {
    constructor(chunkLength: number, options?: object);
    chunkLength: number;
    /** The origin-private file of each piece, once stored. */
    chunks: (FileSystemFileHandle | undefined)[];
  }
}
