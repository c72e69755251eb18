import type { Product, ProductFields } from "./product.types.ts";

/** The port every product store implements (SQLite and MongoDB adapters live in @ingest/store). */

export type ProductChange = { readonly kind: "update"; readonly fields: ProductFields } | { readonly kind: "delete" };

/**
 * Decides a change from the current state: `null` for "nothing to change", or throw an AppError
 * to refuse. Must be pure and synchronous: under contention it runs again on the newer state, and
 * the SQLite adapter runs it inside its write transaction.
 */
export type DecideChange<R> = (current: Product) => { change: ProductChange | null; result: R };

export interface ChangeOutcome<R> {
  readonly previous: Product;
  /** The product after the change; for a deletion, the last state before it. */
  readonly product: Product;
  readonly result: R;
}

export interface ProductPage {
  readonly products: Product[];
  readonly nextCursor: string | null;
}

export interface ProductRepository {
  create(companyId: string, fields: ProductFields): Promise<Product>;
  /** Null for a missing, deleted or other company's product, and for an id of the wrong shape. */
  find(companyId: string, productId: string): Promise<Product | null>;
  list(companyId: string, page: { after?: string | undefined; limit: number }): Promise<ProductPage>;
  /**
   * Applies `decide`'s change atomically against the state it was decided on: no concurrent
   * change is lost and a refusal (such as the image cap) holds whatever the concurrency.
   */
  change<R>(companyId: string, productId: string, decide: DecideChange<R>): Promise<ChangeOutcome<R>>;
}
