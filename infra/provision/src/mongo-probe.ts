import { MongoClient } from "mongodb";

async function withMongo<T>(url: string, use: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.close();
  }
}

export async function pingMongo(url: string): Promise<boolean> {
  return withMongo(url, async (client) => (await client.db("admin").command({ ping: 1 })).ok === 1);
}

/** "MongoDB 7.0.14", or "FerretDB v1.24.2 (MongoDB 7.0.42 protocol)". */
export async function describeMongo(url: string): Promise<string> {
  const info = await withMongo(url, (client) => client.db("admin").command({ buildInfo: 1 }));
  const ferretdb = info.ferretdbVersion ?? info.ferretdb?.version;
  return ferretdb ? `FerretDB ${ferretdb} (MongoDB ${info.version} protocol)` : `MongoDB ${info.version}`;
}
