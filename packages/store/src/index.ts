export { openStore } from "./open-store.ts";
export { copyStore, type CopyProgress, type CopyReport } from "./copy-store.ts";
export { parseStoreTarget } from "./store-target.ts";
