import { type Store, TRANSFER_KINDS, type Transferable, transferIdOf } from "@ingest/shared";

export type TransferKind = (typeof TRANSFER_KINDS)[number];

export interface CopyProgress {
  readonly kind: TransferKind;
  /** Records of this kind read so far. */
  readonly read: number;
  /** Of those, how many were new to the target. */
  readonly written: number;
}

export type CopyReport = Record<TransferKind, { readonly read: number; readonly written: number }>;

const PAGE = 500;

/**
 * Copies every record from one store into another, kind by kind in id order, a page at a time
 * (memory stays flat at any size). Records already in the target are left as they are, so a copy
 * that was stopped can run again and pick up where it was. Run it with the services stopped:
 * a write made during the copy may be missed.
 */
export async function copyStore(from: Store, to: Store, onProgress: (progress: CopyProgress) => void = () => {}): Promise<CopyReport> {
  const report = {} as Record<TransferKind, { read: number; written: number }>;
  for (const kind of TRANSFER_KINDS) {
    const source = from.transfer[kind] as Transferable<unknown>;
    const target = to.transfer[kind] as Transferable<unknown>;
    const idOf = transferIdOf[kind] as (item: unknown) => string;
    const counts = { read: 0, written: 0 };
    report[kind] = counts;
    let after: string | null = null;
    for (;;) {
      const page = await source.read(after, PAGE);
      if (page.length === 0) break;
      counts.written += await target.write(page);
      counts.read += page.length;
      onProgress({ kind, ...counts });
      after = idOf(page.at(-1));
      if (page.length < PAGE) break;
    }
  }
  return report;
}
