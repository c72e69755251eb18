import { type Db, MongoClient } from "mongodb";

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

/**
 * Connects without waiting forever: a service that cannot reach its database at start should
 * say so within seconds, and readiness reports it afterwards. No operation waits on a silent
 * server longer than `timeoutMs` (default 5 s) either: the socket times out
 * (MongoNetworkTimeoutError, a 503 at the API), as does a wait for a free connection.
 */
export async function connectMongo(url: string, dbName: string, options: { timeoutMs?: number } = {}): Promise<MongoConnection> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    maxPoolSize: 50,
    // FerretDB (v1) speaks the wire protocol but has no retryable-write support.
    retryWrites: false,
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}

export async function pingMongo(db: Db): Promise<void> {
  await db.command({ ping: 1 }, { timeoutMS: 2_000 });
}
