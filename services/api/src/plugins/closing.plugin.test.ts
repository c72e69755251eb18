import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import Fastify from "fastify";
import { expect, it } from "vitest";
import closingPlugin from "./closing.plugin.ts";

it("a request arriving while the server drains gets 503 { error }; the one in flight completes", async () => {
  const app = Fastify({ return503OnClosing: false });
  await app.register(closingPlugin);
  let release: () => void = () => {};
  let markEntered: () => void = () => {};
  const entered = new Promise<void>((resolve) => {
    markEntered = resolve;
  });
  let markDraining: () => void = () => {};
  const draining = new Promise<void>((resolve) => {
    markDraining = resolve;
  });
  // Registered after the plugin, so it runs once the plugin knows it is closing.
  app.addHook("preClose", async () => markDraining());
  app.post("/slow", async () => {
    markEntered();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { ok: true };
  });
  app.get("/fast", async () => ({ fast: true }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (address === null || typeof address === "string") throw new Error("no address");

  // One keep-alive connection: the slow request is in flight when close() starts, and a
  // second one is pipelined behind it (the way a request reaches a draining server).
  const socket = connect(address.port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
  await entered;
  const closed = app.close();
  await draining;
  await new Promise<void>((resolve) => socket.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n", () => resolve()));
  // Loopback hands the bytes over at once; give the server a turn to read them before the slow reply frees the connection.
  await sleep(50);
  release();
  await closed;
  for (let attempt = 0; attempt < 100 && !received.includes("retry shortly"); attempt++) await sleep(20);
  socket.destroy();

  const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
  expect(first).toMatch(/^HTTP\/1\.1 200/);
  expect(first).toMatch(/\{"ok":true\}$/);
  expect(second).toMatch(/^HTTP\/1\.1 503/);
  expect(second).toMatch(/retry-after: 1/i);
  expect(second).toMatch(/\r\n\r\n\{"error":"The server is shutting down; retry shortly\."\}$/);
});
