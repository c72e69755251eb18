// B1's baseline: the least a service can do with an upload — take the request over HTTP and write
// its body to a file (a temporary name, renamed into place, as the folder store does). It runs in
// its own process like the API and gets the same client and the same multipart bodies, so the
// ratio measures what the service adds, not the cost of HTTP itself. Prints its port once listening.
import { createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { createServer } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

const dir = process.argv[2];
if (!dir) throw new Error("usage: bare-receiver.ts <folder>");
let received = 0;

const server = createServer(async (request, reply) => {
  const name = join(dir, String(received++));
  try {
    await pipeline(request, createWriteStream(`${name}.tmp`));
    await rename(`${name}.tmp`, `${name}.body`);
    reply.writeHead(201, { "content-type": "application/json" }).end("{}");
  } catch {
    reply.writeHead(500).end();
  }
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
