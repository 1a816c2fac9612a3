// The same sync operations as bench/http_bench.py, with PouchDB: express-pouchdb on
// LevelDB in one process, a PouchDB client (in memory, as a browser's IndexedDB would
// hold it) replicating over HTTP in this one. The data set is the same shape: 5,000
// small records with a 164-character envelope and 500 of some 27,000 characters (a
// 20 KB letter sealed), then 50,000 small ones.
//
//   make bench-pouchdb      (installs the npm packages into ~/.cache/between-bench)
//
// Run with NODE_PATH pointing at those packages; nothing here is part of the app or CI.

import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(join(process.env.NODE_PATH, "noop.js"));
const PouchDB = require("pouchdb");
PouchDB.plugin(require("pouchdb-adapter-memory"));

const envelope = (bytes) => randomBytes(bytes).toString("base64url");
const small = (i) => ({ _id: `item-${i}`, kind: "toolkit_item", format: 1, sealed: envelope(123) });
const letter = (i) => ({ _id: `letter-${i}`, kind: "letter", format: 1, sealed: envelope(20_300) });

if (process.argv[2] === "serve") {
  const express = require("express");
  const folder = mkdtempSync(join(tmpdir(), "between-pouchdb-"));
  const Server = PouchDB.defaults({ prefix: `${folder}/` });
  const app = express();
  app.use("/", require("express-pouchdb")(Server, { mode: "minimumForPouchDB", logPath: join(folder, "log.txt") }));
  const listener = app.listen(0, "127.0.0.1", () => process.send(listener.address().port));
  process.on("SIGTERM", () => {
    rmSync(folder, { recursive: true, force: true });
    process.exit(0);
  });
} else {
  const server = fork(new URL(import.meta.url).pathname, ["serve"], { stdio: "inherit" });
  const port = await new Promise((resolve) => server.once("message", resolve));
  const base = `http://127.0.0.1:${port}`;
  const rows = [];
  const timed = async (name, operation, repeat = 1) => {
    const samples = [];
    for (let n = 0; n < repeat; n++) {
      const start = performance.now();
      await operation(n);
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    rows.push([name, samples[Math.floor(samples.length / 2)]]);
  };
  try {
    const remote = new PouchDB(`${base}/account`);
    const seed = [];
    for (let i = 0; i < 5000; i++) seed.push(small(i));
    for (let i = 0; i < 500; i++) seed.push(letter(i));
    for (let i = 0; i < seed.length; i += 500) await remote.bulkDocs(seed.slice(i, i + 500));

    const device = new PouchDB("device", { adapter: "memory" });
    await timed("first full sync, 5,500 records", () => PouchDB.replicate(remote, device, { batch_size: 500 }));
    await timed("idle sync", () => PouchDB.replicate(remote, device), 50);
    let next = 100_000;
    const writer = new PouchDB(`${base}/account`);
    // Only the pull of the 10 changes is timed, as in the Python bench.
    const changed = [];
    for (let n = 0; n < 10; n++) {
      await writer.bulkDocs(Array.from({ length: 10 }, () => small(next++)));
      const start = performance.now();
      await PouchDB.replicate(remote, device);
      changed.push(performance.now() - start);
    }
    rows.push(["10 changed records", changed.sort((a, b) => a - b)[5]]);
    await timed(
      "push of 100",
      async () => {
        await device.bulkDocs(Array.from({ length: 100 }, () => small(next++)));
        await PouchDB.replicate(device, remote);
      },
      10,
    );

    const large = new PouchDB(`${base}/large`);
    const many = Array.from({ length: 50_000 }, (_, i) => small(i));
    for (let i = 0; i < many.length; i += 1000) await large.bulkDocs(many.slice(i, i + 1000));
    const fresh = new PouchDB("fresh", { adapter: "memory" });
    await timed("first full sync, 50,000 records", () => PouchDB.replicate(large, fresh, { batch_size: 500 }));

    console.log("\nPouchDB (express-pouchdb on LevelDB; client in memory, over HTTP)");
    console.log(`| ${"operation".padEnd(34)} | ${"wall ms".padStart(8)} |`);
    console.log(`|${"-".repeat(36)}|${"-".repeat(10)}|`);
    for (const [name, ms] of rows) console.log(`| ${name.padEnd(34)} | ${ms.toFixed(1).padStart(8)} |`);
  } finally {
    server.kill("SIGTERM");
  }
}
