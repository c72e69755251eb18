import { type Collection, type Document, MongoBulkWriteError, type OptionalUnlessRequiredId } from "mongodb";

const DUPLICATE_KEY = 11000;

/**
 * Inserts the documents whose _id is not there yet and returns them; the others are left as they
 * are. What a resumable copy needs, with only what FerretDB also enforces (unique _id).
 */
export async function insertNew<T extends Document & { _id: unknown }>(collection: Collection<T>, docs: readonly T[]): Promise<T[]> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany(docs as OptionalUnlessRequiredId<T>[], { ordered: false });
    return [...docs];
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (failures.some((failure) => failure.code !== DUPLICATE_KEY)) throw error;
    const duplicates = new Set(failures.map((failure) => failure.index));
    return docs.filter((_, index) => !duplicates.has(index));
  }
}
