import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ReprocessScope } from "./reprocess-scope.ts";

/**
 * Where an interrupted reprocess resumes: every image up to and including `after` (in id order)
 * is done. Written after each step forward, atomically (a temp file renamed over the old one).
 */
export interface Checkpoint {
  readonly scope: string;
  readonly after: string | null;
  readonly done: number;
  readonly updatedAt: string;
}

export class CheckpointFile {
  readonly path: string;
  readonly #scope: string;

  constructor(dir: string, scope: ReprocessScope) {
    this.#scope = scopeKey(scope);
    this.path = join(dir, `${this.#scope}.json`);
    mkdirSync(dir, { recursive: true });
  }

  read(): Checkpoint | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.path, "utf8")) as Checkpoint;
      return parsed.scope === this.#scope && (parsed.after === null || typeof parsed.after === "string") ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  write(after: string | null, done: number): void {
    const checkpoint: Checkpoint = { scope: this.#scope, after, done, updatedAt: new Date().toISOString() };
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(checkpoint)}\n`);
    renameSync(temp, this.path);
  }

  remove(): void {
    rmSync(this.path, { force: true });
  }
}

/** One file per scope, so reprocessing two products is two separate resumable runs. */
export function scopeKey(scope: ReprocessScope): string {
  switch (scope.kind) {
    case "image":
      return `image-${scope.imageId}`;
    case "product":
      return `product-${scope.companyId}-${scope.productId}`;
    case "company":
      return `company-${scope.companyId}`;
    case "all":
      return "all";
  }
}
