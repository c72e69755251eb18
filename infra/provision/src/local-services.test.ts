import { describe, expect, it } from "vitest";
import { findLocalBinaries } from "./local-services.ts";
import { MissingServerError } from "./missing-server.error.ts";

describe("findLocalBinaries", () => {
  it("names every missing server and the install command in one error", () => {
    const env = { PATH: "", INGEST_SERVERS_DIR: "/nonexistent" };
    expect(() => findLocalBinaries(env)).toThrow(MissingServerError);
    expect(() => findLocalBinaries(env)).toThrow(
      /redis-server, ferretdb \(or mongod\), minio are not installed.*bash infra\/local\/install-services\.sh/,
    );
  });
});
