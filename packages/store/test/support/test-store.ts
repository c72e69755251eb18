import { cleanUpTestData, type TestNames, type TestStore, testServiceEnv, testServices, uniqueTestNames } from "@ingest/provision/testing";
import { parseConfig, type Store } from "@ingest/shared";
import { openStore } from "../../src/open-store.ts";

export interface TestStoreHandle {
  readonly store: Store;
  readonly names: TestNames;
  close(): Promise<void>;
}

/** A fresh, empty store of `kind` on the run's real servers (or its own SQLite file); close() removes it. */
export async function openTestStore(kind: TestStore, label: string): Promise<TestStoreHandle> {
  const names = uniqueTestNames(label);
  const config = parseConfig(testServiceEnv(testServices(), names, kind));
  const store = await openStore(config.store);
  return {
    store,
    names,
    async close() {
      await store.close();
      await cleanUpTestData(testServices(), names);
    },
  };
}
