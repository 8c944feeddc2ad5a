// What markup shared by every viewer and language leaves to the page: local times and days,
// file sizes, translated words, "mine" marks, quotes of replied-to messages, presence text.
export const me = document.body.dataset.userId || "";
const locale = document.body.dataset.locale || "en";
export const strings = JSON.parse(document.body.dataset.strings || "{}");
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
export const fill = (template, params) => (template || "").replace(/\{(\w+)\}/g, (_, k) => params[k] ?? "");
export const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
const timeFmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const shortDayFmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
const relFmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });

/** A byte count in the page's language, e.g. "1.5 MB". */
export function sizeText(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
  let n = bytes, i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: units[i],
    unitDisplay: "short",
    maximumFractionDigits: i ? 1 : 0,
  })
    .format(n);
}

/** "Today", "Yesterday" or the full date. */
export function dayLabel(date) {
  const midnight = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const diff = Math.round((midnight(date) - midnight(new Date())) / 86400000);
  if (diff !== 0 && diff !== -1) return dayFmt.format(date);
  const s = relFmt.format(diff, "day");
  return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
}

function lastSeenText(iso) {
  if (!iso) return "";
  const mins = Math.round((new Date(iso) - Date.now()) / 60000);
  const rel = Math.abs(mins) < 60
    ? relFmt.format(mins, "minute")
    : Math.abs(mins) < 1440
    ? relFmt.format(Math.round(mins / 60), "hour")
    : relFmt.format(Math.round(mins / 1440), "day");
  return fill(strings.last_seen, { time: rel });
}

/** Fills in the viewer's and the language's parts of the markup under root. */
export function decorate(root) {
  for (const m of $$(".message", root)) {
    m.classList.toggle("mine", !!me && m.dataset.authorId === me);
    const quote = $(".reply-quote", m);
    // a reply whose parent was not on the same page quotes it from the list, if loaded
    if (quote && !quote.textContent.trim()) {
      const parent = document.getElementById(`message-${quote.dataset.parentId}`);
      const who = parent && $(".sender", parent)?.textContent;
      const text = parent ? (parent.dataset.content ?? strings.deleted) : strings.reply_to_message;
      const span = (className, textContent) =>
        Object.assign(document.createElement("span"), { className, textContent });
      quote.replaceChildren(
        ...(who ? [span("quote-sender", who)] : []),
        span("quote-text", (text || "").slice(0, 120)),
      );
    }
  }
  for (const t of $$("time[datetime]", root)) {
    const d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) continue;
    const short = t.dataset.format === "short" && dayKey(d) !== dayKey(new Date());
    t.textContent = short ? shortDayFmt.format(d) : timeFmt.format(d);
    t.title = `${dayFmt.format(d)} ${timeFmt.format(d)}`;
  }
  for (const e of $$("[data-i18n]", root)) e.textContent = strings[e.dataset.i18n] ?? "";
  for (const e of $$("[data-i18n-title]", root)) e.title = strings[e.dataset.i18nTitle] ?? "";
  for (const e of $$(".file-size[data-bytes]", root)) e.textContent = sizeText(Number(e.dataset.bytes));
  for (const r of $$(".reaction[data-user-ids]", root)) {
    r.classList.toggle("mine", r.dataset.userIds.split(" ").includes(me));
  }
  $$(".presence[data-user-id]", root).forEach(updatePresenceText);
}

/** Writes "online" or "last seen …" wherever a person's presence is shown in words. */
export function updatePresenceText(dot) {
  const text = dot.dataset.online === "true" ? strings.online : lastSeenText(dot.dataset.lastSeen);
  for (const e of $$(`[data-presence-of="${CSS.escape(dot.dataset.userId)}"]`)) e.textContent = text;
}
