/**
 * Search benchmark: 1,000,000 messages over 1,000 conversations, the searching user in 50
 * of them; p50/p99 latency of one-word, two-word, prefix and CJK-substring searches through
 * `app.request` (the full middleware, auth, query and serialization stack without a socket).
 * Messages are written straight into the table, then indexed as sends are, in batches (the
 * time that takes is reported). Prints one JSON line per measurement, each with the load
 * average when it ended.
 *
 * Options (environment): BENCH_MESSAGES (default 1000000), BENCH_CONVERSATIONS (default 1000),
 * BENCH_MEMBER_OF (default 50), BENCH_SAMPLES (searches per case, default 300).
 */
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createApp } from "../main.ts";
import { createUser, createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import type { TenantId } from "../chat/tenancy.ts";
import { uuidv7 } from "../db/ids.ts";
import process from "node:process";
import { indexNow } from "../chat/search/indexer.ts";

const TOTAL = Number(Deno.env.get("BENCH_MESSAGES") ?? 1_000_000);
const CONVERSATIONS = Number(Deno.env.get("BENCH_CONVERSATIONS") ?? 1_000);
const MEMBER_OF = Number(Deno.env.get("BENCH_MEMBER_OF") ?? 50);
const SAMPLES = Number(Deno.env.get("BENCH_SAMPLES") ?? 300);
const BATCH_ROWS = 500;
const TX_ROWS = 20_000;
/** One message in this many is written in Chinese or Japanese. */
const CJK_EVERY = 20;

function loadAverage() {
  return Number(Deno.readTextFileSync("/proc/loadavg").split(" ")[0]);
}

function report(line: Record<string, unknown>) {
  console.log(JSON.stringify({ ...line, load_avg_1m: loadAverage() }));
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function round(n: number) {
  return Math.round(n * 1000) / 1000;
}

/** A deterministic pseudo-random sequence, so every run searches the same corpus. */
let seed = 42;
function random() {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];

// a vocabulary with a long tail: a few common words, many rare ones, some with diacritics
const STEMS = [
  "aprov",
  "inform",
  "orçament",
  "reuni",
  "projet",
  "client",
  "contrat",
  "pagament",
  "factur",
  "entreg",
  "revis",
  "document",
  "pedid",
  "estoqu",
  "relatóri",
  "agend",
  "tarefa",
  "equip",
  "prazo",
  "suport",
];
const ENDINGS = ["ação", "ado", "ar", "o", "os", "es", "ência", "ivo", "inho", "mente"];
const COMMON = ["the", "de", "para", "com", "que", "and", "ok", "sim", "hoje", "amanhã"];
const RARE = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${(i * 7919 % 997).toString(36)}`);
const WORDS = [...STEMS.flatMap((s) => ENDINGS.map((e) => s + e)), ...COMMON];
const CJK = [
  "我们明天",
  "讨论",
  "项目预算",
  "的问题",
  "会議室を",
  "予約しました",
  "東京オフィス",
  "資料確認",
  "請求書",
  "支払",
  "発注",
  "在庫報告",
];

function sentence(): string {
  if (random() < 1 / CJK_EVERY) return Array.from({ length: 3 + Math.floor(random() * 6) }, () => pick(CJK)).join("");
  const n = 4 + Math.floor(random() * 12);
  return Array.from({ length: n }, () => random() < 0.15 ? pick(RARE) : pick(WORDS)).join(" ");
}

const dir = await Deno.makeTempDir({ prefix: "parley-bench-search-" });
const config = loadConfig({
  DATABASE_URL: `file:${dir}/bench.db`,
  ATTACHMENTS: `fs:${dir}/attachments`,
  SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
  LOG_LEVEL: "error",
});
const deps = await createRuntime(config);
const db = deps.database.db;
const client = deps.database.client;
const { tenant, user: caller } = await createWorkspace(db, {
  name: "Bench",
  slug: "bench",
  admin: { name: "Caller", email: "caller@bench.test", password: null },
});
const scope = { tenantId: tenant.id as TenantId, db };
const others = [];
for (let i = 0; i < 20; i++) {
  others.push(await createUser(db, scope, { name: `User ${i}`, email: `u${i}@bench.test`, role: "member" }));
}

// conversations: the caller is in every (CONVERSATIONS / MEMBER_OF)th one
const conversationIds: string[] = [];
const now = Date.now();
{
  const tx = await client.transaction("write");
  for (let c = 0; c < CONVERSATIONS; c++) {
    const id = uuidv7(now - TOTAL - CONVERSATIONS + c);
    conversationIds.push(id);
    await tx.execute({
      sql:
        "INSERT INTO conversations (id, tenant_id, kind, title, created_at, updated_at) VALUES (?, ?, 'group', ?, ?, ?)",
      args: [id, tenant.id, `Room ${c}`, now, now],
    });
    const members = [others[c % others.length], others[(c + 7) % others.length]];
    if (c % Math.floor(CONVERSATIONS / MEMBER_OF) === 0) members.push(caller);
    for (const m of members) {
      await tx.execute({
        sql: `INSERT INTO participants (id, tenant_id, conversation_id, user_id, role, joined_at)
          VALUES (?, ?, ?, ?, 'member', ?)`,
        args: [uuidv7(), tenant.id, id, m.id, now],
      });
    }
  }
  await tx.commit();
}

const seedStart = performance.now();
for (let done = 0; done < TOTAL;) {
  const tx = await client.transaction("write");
  const txEnd = Math.min(TOTAL, done + TX_ROWS);
  while (done < txEnd) {
    const n = Math.min(BATCH_ROWS, txEnd - done);
    const args: (string | number)[] = [];
    const rows: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = done + i;
      const at = now - TOTAL + k;
      rows.push("(?,?,?,?,'text',?,0,'{}','{}',?,?)");
      args.push(
        uuidv7(at),
        tenant.id,
        conversationIds[k % CONVERSATIONS],
        others[k % others.length].id,
        sentence(),
        at,
        at,
      );
    }
    await tx.execute({
      sql: `INSERT INTO messages (id, tenant_id, conversation_id, sender_id, kind, content, has_attachments,
        metadata, custom_fields, created_at, updated_at) VALUES ${rows.join(",")}`,
      args,
    });
    done += n;
  }
  await tx.commit();
}
const seedSeconds = (performance.now() - seedStart) / 1000;
report({
  bench: "seed_messages",
  messages: TOTAL,
  conversations: CONVERSATIONS,
  caller_in: MEMBER_OF,
  seconds: round(seedSeconds),
  rows_per_sec: Math.round(TOTAL / seedSeconds),
});

const indexStart = performance.now();
await indexNow(db);
const indexSeconds = (performance.now() - indexStart) / 1000;
report({
  bench: "index_messages",
  messages: TOTAL,
  seconds: round(indexSeconds),
  rows_per_sec: Math.round(TOTAL / indexSeconds),
});

const app = createApp(deps);
const auth = { authorization: `Bearer ${await openSession(db, deps.keys, caller)}` };
const cjkTerms = ["项目预算", "会議室", "資料確", "明天讨", "請求書", "京オフ", "庫報告", "予約し", "論项目"];

async function searchLatency(name: string, queries: () => string) {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  let found = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const q = queries();
    const t0 = performance.now();
    const res = await app.request(`/api/chat/search/?q=${encodeURIComponent(q)}`, { headers: auth });
    const body = await res.json();
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${name} "${q}": ${res.status} ${JSON.stringify(body)}`);
    found += body.length;
  }
  times.sort((a, b) => a - b);
  const used = process.cpuUsage(cpu);
  report({
    bench: name,
    transport: "app.request (in process)",
    messages: TOTAL,
    samples: SAMPLES,
    mean_results: round(found / SAMPLES),
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    target_p99_ms: 50,
    cpu_us_per_search: Math.round((used.user + used.system) / SAMPLES),
  });
}

await searchLatency("search_one_word", () => pick(random() < 0.5 ? WORDS : RARE));
await searchLatency("search_two_words", () => `${pick(WORDS)} ${pick(random() < 0.5 ? WORDS : RARE)}`);
await searchLatency("search_prefix", () => pick(STEMS).slice(0, 3 + Math.floor(random() * 3)));
await searchLatency("search_cjk_substring", () => pick(cjkTerms));

await deps.close();
if (Deno.env.get("BENCH_KEEP")) console.error(`kept ${dir}/bench.db`);
else await Deno.remove(dir, { recursive: true });
