import { randomBytes } from "node:crypto";

/**
 * A new image id in ObjectId form (24 hex: 4 bytes of seconds, then 8 random bytes), so ids
 * sort roughly by creation, like every other id here, without importing the MongoDB driver.
 */
export function newImageId(now: Date = new Date()): string {
  const seconds = Buffer.alloc(4);
  seconds.writeUInt32BE(Math.floor(now.getTime() / 1000));
  return seconds.toString("hex") + randomBytes(8).toString("hex");
}
