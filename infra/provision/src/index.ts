export { API_NODE_FLAGS } from "./api-node-flags.ts";
export { findContainerEngine } from "./container-engine.ts";
export { findBinary, serversDir } from "./find-binary.ts";
export { findFreePort, findFreePorts, isPortTaken } from "./free-port.ts";
export { INSTALL_COMMAND, MissingServerError } from "./missing-server.error.ts";
export { describeServices, type ProvisionOptions, provisionServices } from "./provision-services.ts";
export { createS3Client } from "./s3-bucket.ts";
export { toS3Env, toServiceEnv } from "./service-env.ts";
export type {
  ManagedServer,
  ProvisionedServices,
  S3Settings,
  ServiceSettings,
  ServiceSource,
  ServiceVersions,
} from "./service-settings.ts";
export { type DedicatedMinio, startMinioServer } from "./start-minio-server.ts";
export { type DedicatedMongo, startMongoServer } from "./start-mongo-server.ts";
export { type DedicatedRedis, startRedisServer } from "./start-redis-server.ts";
export { WORKER_ALLOCATOR_ENV } from "./worker-allocator-env.ts";
