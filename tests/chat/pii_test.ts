import assert from "node:assert/strict";
import { detectPii, maskPii } from "../../chat/pii/mod.ts";

Deno.test("email: addresses are found and keep the first character of the local part and the domain", () => {
  assert.deepEqual(maskPii("write to ana@x.com today"), { text: "write to a••@x.com today", found: ["email"] });
  assert.equal(maskPii("ana.maria+tag@mail.example.co.uk").text, "a••••••••••••@mail.example.co.uk");
  assert.equal(maskPii("joão@exemplo.com.br.").text, "j•••@exemplo.com.br.");
});

Deno.test("email: mentions, handles and addresses without a domain suffix are not emails", () => {
  for (const text of ["@ana can you look?", "ping @team-sales", "root@localhost", "a @ b.com", "user@", "x@y.c0m"]) {
    assert.deepEqual(detectPii(text), [], text);
  }
});

Deno.test("phone: international and national formats are found and keep their last 2 digits", () => {
  const cases: [string, string][] = [
    ["+1 415 555 0100", "+• ••• ••• ••00"],
    ["+14155550100", "+•••••••••00"],
    ["(415) 555-0100", "(•••) •••-••00"],
    ["415-555-0100", "•••-•••-••00"],
    ["415.555.0100", "•••.•••.••00"],
    ["+55 11 91234-5678", "+•• •• •••••-••78"],
    ["(11) 91234-5678", "(••) •••••-••78"],
    ["020 7946 0958", "••• •••• ••58"],
    ["+44 20 7946 0958", "+•• •• •••• ••58"],
    ["01 23 45 67 89", "•• •• •• •• 89"],
    ["+1 (415) 555-0100", "+• (•••) •••-••00"],
  ];
  for (const [phone, masked] of cases) {
    assert.deepEqual(maskPii(`call ${phone}, thanks`), { text: `call ${masked}, thanks`, found: ["phone"] }, phone);
  }
});

Deno.test("phone: dates, times, prices, versions, addresses and ids are not phone numbers", () => {
  const notPhones = [
    "on 2024-01-15 at 10:30",
    "2024-01-15T10:30:00Z",
    "15/01/2024",
    "15.01.2024",
    "01.02.2024",
    "10:30:00",
    "price $1,234.56",
    "1.234.567,89 €",
    "1 000 000 users",
    "version 1.2.3",
    "v2.10.4",
    "ip 192.168.0.1",
    "user id 4155550100",
    "ticket 12345-67890",
    "order #123-456-7890",
    "uuid 550e8400-e29b-41d4-a716-446655440000",
    "0.5 and 0.75",
    "+1",
  ];
  for (const text of notPhones) assert.deepEqual(detectPii(text), [], text);
});

Deno.test("card: numbers passing Luhn are found with spaces, dashes or none and keep their last 4 digits", () => {
  const cases: [string, string][] = [
    ["4111 1111 1111 1111", "•••• •••• •••• 1111"],
    ["4111-1111-1111-1111", "••••-••••-••••-1111"],
    ["4111111111111111", "••••••••••••1111"],
    ["5555 5555 5555 4444", "•••• •••• •••• 4444"],
    ["2223003122003222", "••••••••••••3222"],
    ["3782 822463 10005", "•••• •••••• •0005"],
    ["6011111111111117", "••••••••••••1117"],
  ];
  for (const [card, masked] of cases) {
    assert.deepEqual(maskPii(`my card: ${card}.`), { text: `my card: ${masked}.`, found: ["card"] }, card);
  }
});

Deno.test("card: order numbers failing Luhn, timestamps, prices and longer numbers are not cards", () => {
  const notCards = [
    "order 1234 5678 9012 3456",
    "order #1234567890123456",
    "sent at 1717171717174",
    "snowflake 1790000000000000005",
    "total 4111111111111111.00",
    "20 digits 41111111111111111111",
    "pi 3.14159265358979",
    "0000 0000 0000 0000",
  ];
  for (const text of notCards) assert.deepEqual(detectPii(text), [], text);
});

Deno.test("iban: IBANs passing mod-97 are found with or without spaces and keep the country code and last 4", () => {
  assert.deepEqual(maskPii("IBAN DE89 3704 0044 0532 0130 00 please"), {
    text: "IBAN DE•• •••• •••• •••• ••30 00 please",
    found: ["iban"],
  });
  assert.equal(maskPii("DE89370400440532013000").text, "DE••••••••••••••••3000");
  assert.equal(maskPii("GB82 WEST 1234 5698 7654 32").text, "GB•• •••• •••• •••• ••54 32");
  assert.equal(maskPii("FR1420041010050500013M02606").text, "FR•••••••••••••••••••••2606");
});

Deno.test("iban: a wrong check digit, a short code or a product code is not an IBAN", () => {
  for (
    const text of ["GB82 WEST 1234 5698 7654 33", "DE89 3704 0044 0532 0130 01", "DE89 3704", "SKU AB12CD34EF56GH78"]
  ) {
    assert.deepEqual(detectPii(text), [], text);
  }
});

Deno.test("detectPii reports each kind once in the order email, phone, card, iban", () => {
  const text = "IBAN GB82WEST12345698765432, card 4111 1111 1111 1111 or 5555555555554444, " +
    "call +1 415 555 0100 or mail bo@x.io and ana@x.com";

  assert.deepEqual(detectPii(text), ["email", "phone", "card", "iban"]);
  assert.deepEqual(maskPii(text).found, ["email", "phone", "card", "iban"]);
  assert.equal(
    maskPii(text).text,
    "IBAN GB••••••••••••••••5432, card •••• •••• •••• 1111 or ••••••••••••4444, " +
      "call +• ••• ••• ••00 or mail b•@x.io and a••@x.com",
  );
});

Deno.test("a detector switched off neither reports nor masks its kind, nor lets it pass as another kind", () => {
  const text = "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, ana@x.com";

  assert.deepEqual(detectPii(text, { card: false, iban: false }), ["email"]);
  assert.deepEqual(maskPii(text, { card: false, iban: false }), {
    text: "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, a••@x.com",
    found: ["email"],
  });
  assert.deepEqual(detectPii(text, { email: false, phone: true }), ["card", "iban"]);
});

Deno.test("text without personal data comes back unchanged", () => {
  const text = "Meeting moved to 2024-06-01 10:30, room 4, budget $12,500 (v1.2.3) — see #4211";

  assert.deepEqual(maskPii(text), { text, found: [] });
  assert.deepEqual(detectPii(""), []);
});
