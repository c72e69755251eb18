import { randomBytes } from "node:crypto";

const OBJECT_ID = /^[0-9a-f]{24}$/;
/** Per process, as in MongoDB's ObjectId: 5 random bytes, then a counter that starts anywhere. */
const PROCESS_PART = randomBytes(5).toString("hex");
let counter = randomBytes(3).readUIntBE(0, 3);

/**
 * A new id in ObjectId layout (24 hex: 4 bytes of seconds, 5 random bytes per process, a 3-byte
 * counter), so ids sort by creation on every store — within a process, even inside one second —
 * and the MongoDB adapter can keep using ObjectIds, without importing a driver here.
 */
export function newObjectId(now: Date = new Date()): string {
  counter = (counter + 1) % 0x1000000;
  const seconds = Math.floor(now.getTime() / 1000).toString(16).padStart(8, "0");
  return `${seconds}${PROCESS_PART}${counter.toString(16).padStart(6, "0")}`;
}

/** Whether `id` has the shape of an id this service hands out (anything else is simply not found). */
export function isObjectId(id: string): boolean {
  return OBJECT_ID.test(id);
}
