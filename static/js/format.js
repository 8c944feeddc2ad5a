// Fills in what markup shared by every viewer and language leaves open: local times and
// days, sizes, translated words, "mine" marks, presence.
export let me = document.body.dataset.userId || "";
/** Sets the viewer once a signed-out widget gets its session. */
export const setViewer = (id) => me = document.body.dataset.userId = id;
export const strings = JSON.parse(document.body.dataset.strings || "{}");
export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
export const fill = (template, params) => (template || "").replace(/\{(\w+)\}/g, (_, k) => params[k] ?? "");
export const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
export const el = (tag, className, textContent) =>
  Object.assign(document.createElement(tag), { className, textContent });
const locale = document.body.dataset.locale || "en";
const timeFmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
const dayFmt = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const shortDayFmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
const relFmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
// "last seen" counts in the largest unit that fits, in minutes each
const AGO_UNITS = [["minute", 1], ["hour", 60], ["day", 1440]];
const midnight = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate());

/** A file size in KB, MB or GB in the page's language, e.g. "1.5 MB" (as views/format.tsx writes it). */
export function sizeText(bytes) {
  const i = bytes >= 1024 ** 3 ? 3 : bytes >= 1024 ** 2 ? 2 : 1;
  const unit = ["byte", "kilobyte", "megabyte", "gigabyte"][i];
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 })
    .format(Math.max(bytes / 1024 ** i, bytes > 0 ? 0.1 : 0));
}

/** "Today", "Yesterday" or the full date. */
export function dayLabel(date) {
  const days = Math.round((midnight(date) - midnight(new Date())) / 864e5);
  const rel = relFmt.format(days, "day");
  return days === 0 || days === -1 ? rel.charAt(0).toLocaleUpperCase(locale) + rel.slice(1) : dayFmt.format(date);
}

/** Fills in the viewer's and the language's parts of the markup under root. */
export function decorate(root) {
  for (const m of $$(".message", root)) m.classList.toggle("mine", !!me && m.dataset.authorId === me);
  for (const t of $$("time[datetime]", root)) {
    const d = new Date(t.getAttribute("datetime"));
    if (isNaN(d)) continue;
    const fmt = t.dataset.format === "short" && dayKey(d) !== dayKey(new Date()) ? shortDayFmt : timeFmt;
    t.textContent = fmt.format(d);
    t.title = `${dayFmt.format(d)} ${timeFmt.format(d)}`;
  }
  for (const e of $$("[data-i18n]", root)) e.textContent = strings[e.dataset.i18n] ?? "";
  for (const e of $$("[data-i18n-title]", root)) e.title = strings[e.dataset.i18nTitle] ?? "";
  for (const e of $$(".file-size[data-bytes]", root)) e.textContent = sizeText(Number(e.dataset.bytes));
  for (const e of $$(".system-text[data-system]", root)) {
    const template = strings[`system_${e.dataset.system}`];
    if (template) e.textContent = fill(template, { name: e.dataset.name ?? "", title: e.dataset.title ?? "" });
  }
  for (const r of $$(".reaction[data-user-ids]", root)) {
    r.classList.toggle("mine", r.dataset.userIds.split(" ").includes(me));
  }
  $$(".presence[data-user-id]", root).forEach(presenceText);
}

/** Writes "online" or "last seen …" wherever a person's presence is shown in words. */
export function presenceText(dot) {
  const mins = Math.round((new Date(dot.dataset.lastSeen) - Date.now()) / 60000);
  const [unit, size] = AGO_UNITS.findLast(([, size]) => Math.abs(mins) >= size) ?? AGO_UNITS[0];
  const seen = isNaN(mins) ? "" : fill(strings.last_seen, { time: relFmt.format(Math.round(mins / size), unit) });
  for (const e of $$(`[data-presence-of="${CSS.escape(dot.dataset.userId)}"]`)) {
    e.textContent = dot.dataset.online === "true" ? strings.online : seen;
  }
}
