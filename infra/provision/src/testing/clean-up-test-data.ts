import { rm } from "node:fs/promises";
import { DeleteObjectsCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { Redis } from "ioredis";
import { MongoClient } from "mongodb";
import { createS3Client } from "../s3-bucket.ts";
import type { ServiceSettings } from "../service-settings.ts";
import type { TestNames } from "./unique-names.ts";

/** Drops the test's databases (MongoDB and SQLite), its Redis keys (`<queuePrefix>:*`) and its S3 objects. */
export async function cleanUpTestData(services: ServiceSettings, names: TestNames): Promise<void> {
  await Promise.all([
    dropDatabase(services.mongoUrl, names.database),
    removeSqliteFiles(names.sqlitePath),
    deleteRedisKeys(services.redisUrl, `${names.queuePrefix}:*`),
    deleteObjects(services, names.keyPrefix),
  ]);
}

async function removeSqliteFiles(path: string): Promise<void> {
  await Promise.all(["", "-wal", "-shm"].map((suffix) => rm(`${path}${suffix}`, { force: true })));
}

async function dropDatabase(url: string, database: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

async function deleteObjects(services: ServiceSettings, prefix: string): Promise<void> {
  const client = createS3Client(services.s3);
  const Bucket = services.s3.bucket;
  try {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: objects, Quiet: true } }));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
  } finally {
    client.destroy();
  }
}
