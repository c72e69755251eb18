import type { Db } from "mongodb";
import { type CredentialRepository, createCredentialRepository } from "./auth/credential.repository.ts";
import { createImageRepository, type ImageRepository } from "./images/image.repository.ts";
import { createProductRepository, type ProductRepository } from "./products/product.repository.ts";

export interface Repositories {
  readonly products: ProductRepository;
  readonly images: ImageRepository;
  readonly credentials: CredentialRepository;
}

export function createRepositories(db: Db): Repositories {
  return {
    products: createProductRepository(db),
    images: createImageRepository(db),
    credentials: createCredentialRepository(db),
  };
}

/** Creates every index the services rely on; idempotent, run at each start. */
export async function ensureIndexes(repositories: Repositories): Promise<void> {
  await repositories.products.ensureIndexes();
  await repositories.images.ensureIndexes();
  await repositories.credentials.ensureIndexes();
}
