/**
 * PII detection benchmark: time per message of `detectPii` and `maskPii` over typical chat
 * texts (with and without personal data) and over adversarial ones (long digit runs after a
 * `+`, long dotted domains, thousands of short numbers), which bound what one send can cost
 * under the policy. Prints one JSON line per case.
 *
 * Options (environment): BENCH_ROUNDS (default 20000 for short texts; long texts run a
 * fiftieth of that).
 */
import { detectPii, maskPii } from "../chat/pii/mod.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 20_000);

const CASES: Record<string, string> = {
  chat_plain: "Sounds good, see you at the stand-up tomorrow. I'll bring the slides for the Q3 review.",
  chat_numbers: "Order #10042315 ships 2024-06-01 at 10:30; total $1,234.56 (v2.10.4), ticket 12345-67890.",
  chat_with_pii: "Card 4111 1111 1111 1111, mail ana@x.com, call +1 415 555 0100, IBAN DE89 3704 0044 0532 0130 00.",
  max_plain: "lorem ipsum dolor sit amet ".repeat(185),
  max_digits_after_plus: `+${"1234567890".repeat(499)}`,
  max_plus_runs: "+1234567890123456789 ".repeat(238),
  max_short_numbers: "12 34 ".repeat(833),
  max_dotted_domain: `a@${"b.".repeat(2495)}`,
  max_at_signs: "@a ".repeat(1666),
};

for (const [name, text] of Object.entries(CASES)) {
  const rounds = text.length > 1000 ? Math.max(1, Math.floor(ROUNDS / 50)) : ROUNDS;
  for (const [fn, run] of [["detectPii", detectPii], ["maskPii", maskPii]] as const) {
    for (let i = 0; i < Math.min(rounds, 200); i++) run(text);
    const start = performance.now();
    for (let i = 0; i < rounds; i++) run(text);
    const micros = ((performance.now() - start) * 1000) / rounds;
    console.log(JSON.stringify({ case: name, fn, chars: text.length, rounds, us_per_call: Number(micros.toFixed(2)) }));
  }
}
