// Parley page script: what HTML and htmx cannot do on their own — local times and days,
// "mine" marks, read ticks, scroll position, drafts, uploads with progress, typing signals,
// notifications, the polling fallback and the widget's tabs.
(() => {
  "use strict";
  const body = document.body;
  const me = body.dataset.userId || "";
  const locale = body.dataset.locale || "en";
  const strings = JSON.parse(body.dataset.strings || "{}");
  const baseTitle = document.title.replace(/^\(\d+\+?\) /, "");
  const timeFmt = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const dayFmt = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  const shortDayFmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short" });
  const relFmt = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const sizeFmt = (bytes) => {
    const units = ["byte", "kilobyte", "megabyte", "gigabyte"];
    let n = bytes, i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return new Intl.NumberFormat(locale, {
      style: "unit",
      unit: units[i],
      unitDisplay: "short",
      maximumFractionDigits: i ? 1 : 0,
    }).format(n);
  };
  const fill = (template, params) => (template || "").replace(/\{(\w+)\}/g, (_, k) => params[k] ?? "");
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const dayKey = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;

  function dayLabel(date) {
    const today = new Date();
    const diff = Math.round(
      (new Date(dayKey(date).replace(/-/g, "/")) - new Date(dayKey(today).replace(/-/g, "/"))) / 86400000,
    );
    if (diff === 0 || diff === -1) {
      const s = relFmt.format(diff, "day");
      return s.charAt(0).toLocaleUpperCase(locale) + s.slice(1);
    }
    return dayFmt.format(date);
  }

  function lastSeenText(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    const mins = Math.round((d - Date.now()) / 60000);
    const rel = Math.abs(mins) < 60
      ? relFmt.format(mins, "minute")
      : Math.abs(mins) < 1440
      ? relFmt.format(Math.round(mins / 60), "hour")
      : relFmt.format(Math.round(mins / 1440), "day");
    return fill(strings.last_seen, { time: rel });
  }

  // ---- decorating server markup -------------------------------------------------------
  function decorate(root) {
    if (!(root instanceof Element || root instanceof Document)) return;
    $$(".message", root).concat(root.matches?.(".message") ? [root] : []).forEach((m) => {
      m.classList.toggle("mine", !!me && m.dataset.authorId === me);
      const quote = $(".reply-quote", m);
      if (quote && !quote.textContent.trim()) {
        const parent = document.getElementById(`message-${quote.dataset.parentId}`);
        const who = parent ? $(".sender", parent)?.textContent : "";
        const text = parent ? (parent.dataset.content ?? strings.deleted) : strings.reply_to_message;
        quote.replaceChildren();
        if (who) {
          quote.append(Object.assign(document.createElement("span"), { className: "quote-sender", textContent: who }));
        }
        quote.append(
          Object.assign(document.createElement("span"), {
            className: "quote-text",
            textContent: (text || "").slice(0, 120),
          }),
        );
      }
    });
    $$("time[datetime]", root).forEach((t) => {
      const d = new Date(t.getAttribute("datetime"));
      if (isNaN(d)) return;
      t.textContent = t.dataset.format === "short" && dayKey(d) !== dayKey(new Date())
        ? shortDayFmt.format(d)
        : timeFmt.format(d);
      t.title = dayFmt.format(d) + " " + timeFmt.format(d);
    });
    $$("[data-i18n]", root).forEach((e) => {
      e.textContent = strings[e.dataset.i18n] ?? "";
    });
    $$("[data-i18n-title]", root).forEach((e) => {
      e.title = strings[e.dataset.i18nTitle] ?? "";
    });
    $$(".file-size[data-bytes]", root).forEach((e) => {
      e.textContent = sizeFmt(Number(e.dataset.bytes));
    });
    $$(".reaction[data-user-ids]", root).forEach((r) => {
      r.classList.toggle("mine", r.dataset.userIds.split(" ").includes(me));
    });
    $$(".presence[data-user-id]", root).forEach(updatePresenceText);
  }

  function updatePresenceText(dot) {
    const id = dot.dataset.userId;
    const online = dot.dataset.online === "true";
    const lastSeen = dot.dataset.lastSeen;
    $$(`[data-presence-of="${CSS.escape(id)}"]`).forEach((e) => {
      e.textContent = online ? strings.online : lastSeenText(lastSeen);
    });
  }

  // Items arrive by upsert, which places unknown ids with a numeric collation that misreads
  // hex (…0d95 after …0d9d); ids are UUIDv7, so plain string order is time order.
  function keepOrder(list) {
    const items = $$(".message", list);
    if (items.every((m, i) => i === 0 || items[i - 1].dataset.messageId < m.dataset.messageId)) return false;
    const divider = $(".new-divider", list);
    const firstNew = divider?.nextElementSibling;
    items.sort((x, y) => (x.dataset.messageId < y.dataset.messageId ? -1 : 1));
    list.append(...items);
    if (divider && firstNew) firstNew.before(divider);
    return true;
  }

  function decorateList(list) {
    $$(".day-separator", list).forEach((e) => e.remove());
    let last = "";
    for (const m of $$(".message", list)) {
      const t = $("time[datetime]", m);
      const d = t ? new Date(t.getAttribute("datetime")) : null;
      if (!d || isNaN(d)) continue;
      const key = dayKey(d);
      if (key !== last) {
        const sep = document.createElement("div");
        sep.className = "day-separator";
        sep.setAttribute("role", "separator");
        sep.textContent = dayLabel(d);
        m.before(sep);
        last = key;
      }
    }
  }

  // ---- read state: ticks in direct chats, "seen by" in groups --------------------------
  function updateReads(pane) {
    if (!pane) return;
    const marks = $$(".read-mark", pane).map((e) => ({
      id: e.dataset.userId,
      name: e.dataset.name,
      read: e.firstElementChild?.dataset.read || "",
    }));
    const others = marks.filter((m) => m.id !== me);
    const messages = $$(".message", pane);
    if (pane.dataset.kind === "direct") {
      for (const m of messages) {
        if (m.dataset.authorId !== me) continue;
        const id = m.dataset.messageId;
        if (others.length && others.every((o) => o.read >= id)) m.dataset.status = "read";
        const tick = $(".tick", m);
        if (tick) tick.title = strings[`status_${m.dataset.status}`] ?? "";
      }
      return;
    }
    const seen = $(".seen-by", pane);
    const lastMsg = messages.filter((m) => !m.classList.contains("kind-system")).at(-1);
    if (!seen) return;
    if (!lastMsg) {
      seen.textContent = "";
      return;
    }
    const id = lastMsg.dataset.messageId;
    const names = others.filter((o) => o.id !== lastMsg.dataset.authorId && o.read >= id).map((o) => o.name);
    seen.textContent = names.length ? fill(strings.seen_by, { names: names.join(", ") }) : "";
  }

  // ---- the open conversation -------------------------------------------------------------
  const openPane = () => $(".conversation[data-conversation-id]");
  const scrollerOf = (pane) => pane && $(".message-scroller", pane);
  const nearBottom = (s) => s.scrollHeight - s.scrollTop - s.clientHeight < 80;

  function setupPane(pane) {
    if (!pane || pane.dataset.ready) return;
    pane.dataset.ready = "1";
    body.classList.add("has-open");
    const id = pane.dataset.conversationId;
    $$(".conv-row.active").forEach((r) => r.classList.remove("active"));
    document.getElementById(`conv-${id}`)?.classList.add("active");
    const list = $(".message-list", pane);
    decorate(pane);
    decorateList(list);
    const lastRead = pane.dataset.lastRead || "";
    const firstNew = $$(".message", list).find((m) => m.dataset.messageId > lastRead && m.dataset.authorId !== me);
    if (firstNew && lastRead) {
      const div = document.createElement("div");
      div.className = "new-divider";
      div.setAttribute("role", "separator");
      div.textContent = strings.new_messages;
      firstNew.before(div);
    }
    updateReads(pane);
    const scroller = scrollerOf(pane);
    if (firstNew && lastRead) firstNew.previousElementSibling.scrollIntoView({ block: "start" });
    else scroller.scrollTop = scroller.scrollHeight;
    const jump = $(".jump-latest", pane);
    scroller.addEventListener("scroll", () => {
      if (nearBottom(scroller)) jump.hidden = true;
      const older = $(".load-older", scroller);
      if (older && scroller.scrollTop < 150 && !older.dataset.loading) {
        older.dataset.loading = "1";
        keepScroll = { scroller, fromBottom: scroller.scrollHeight - scroller.scrollTop };
        htmx.trigger(older, "parley:older");
      }
    }, { passive: true });
    jump.addEventListener("click", () => {
      scroller.scrollTop = scroller.scrollHeight;
      jump.hidden = true;
    });
    setupComposer($(".composer", pane), id);
  }
  let keepScroll = null;

  // ---- composer: Enter to send, drafts, replies, edits, files ------------------------------
  const draftKey = (id) => `parley:draft:${me}:${id}`;
  // One typing signal per 2.5 s from this tab, whichever conversation: 24 a minute, under the
  // server's per-user limit of 30, and often enough that an indicator (it lasts 5 s) stays up.
  let lastTyping = 0;
  function setupComposer(form, conversationId) {
    if (!form) return;
    const input = $(".composer-input", form);
    const fileInput = $(".file-input", form);
    const context = $(".composer-context", form);
    input.value = localStorage.getItem(draftKey(conversationId)) || "";
    autosize(input);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (input.value.trim() || fileInput.files.length) form.requestSubmit();
      } else if (e.key === "Escape") {
        resetContext(form);
      }
    });
    input.addEventListener("input", () => {
      autosize(input);
      if (!form.elements.edit_id.value) {
        if (input.value) localStorage.setItem(draftKey(conversationId), input.value);
        else localStorage.removeItem(draftKey(conversationId));
      }
      if (input.value && Date.now() - lastTyping > 2500) {
        lastTyping = Date.now();
        fetch(`/ui/conversations/${conversationId}/typing`, { method: "POST", headers: { "HX-Request": "true" } })
          .catch(() => {});
      }
    });
    $(".composer-cancel", form).addEventListener("click", () => resetContext(form));
    fileInput.addEventListener("change", () => listFiles(form));
    for (const type of ["dragenter", "dragover"]) {
      form.addEventListener(type, (e) => {
        e.preventDefault();
        form.classList.add("dragging");
      });
    }
    form.addEventListener("dragleave", (e) => {
      if (!form.contains(e.relatedTarget)) form.classList.remove("dragging");
    });
    form.addEventListener("drop", (e) => {
      e.preventDefault();
      form.classList.remove("dragging");
      const dt = new DataTransfer();
      for (const f of fileInput.files) dt.items.add(f);
      for (const f of e.dataTransfer.files) dt.items.add(f);
      fileInput.files = dt.files;
      listFiles(form);
    });
    context.hidden = true;
  }

  function autosize(input) {
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
  }

  function listFiles(form) {
    const ul = $(".file-list", form);
    ul.replaceChildren(...Array.from($(".file-input", form).files, (f) => {
      const li = document.createElement("li");
      li.textContent = `${f.name} (${sizeFmt(f.size)})`;
      return li;
    }));
  }

  function resetContext(form) {
    form.elements.parent_id.value = "";
    if (form.elements.edit_id.value) {
      form.elements.edit_id.value = "";
      form.elements.content.value = localStorage.getItem(draftKey(form.dataset.conversationId)) || "";
    }
    $(".composer-context", form).hidden = true;
  }

  // the text each composer sent last
  const sentText = new WeakMap();
  function afterSend(form) {
    const id = form.dataset.conversationId;
    const input = form.elements.content;
    form.elements.parent_id.value = "";
    form.elements.edit_id.value = "";
    $(".file-input", form).value = "";
    listFiles(form);
    $(".composer-context", form).hidden = true;
    // text typed while the message was on its way stays, with its draft
    if (input.value === sentText.get(form)) {
      input.value = "";
      localStorage.removeItem(draftKey(id));
      autosize(input);
    }
    const scroller = scrollerOf(form.closest(".conversation"));
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  // Files go with XMLHttpRequest: fetch cannot report upload progress.
  function sendWithFiles(form) {
    const progress = $(".upload-progress", form);
    const data = new FormData(form);
    data.delete("edit_id");
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("hx-post"));
    xhr.setRequestHeader("HX-Request", "true");
    progress.hidden = false;
    progress.value = 0;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", () => {
      progress.hidden = true;
      if (xhr.status >= 200 && xhr.status < 300) {
        insertItems(form.dataset.conversationId, xhr.responseText);
        afterSend(form);
      } else {
        toast(strings.upload_failed);
      }
    });
    xhr.addEventListener("error", () => {
      progress.hidden = true;
      toast(strings.upload_failed);
    });
    xhr.send(data);
  }

  function insertItems(conversationId, html) {
    const list = document.getElementById(`messages-${conversationId}`);
    if (!list) return;
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    for (const item of Array.from(tpl.content.querySelectorAll(".message"))) {
      const existing = document.getElementById(item.id);
      if (existing) existing.replaceWith(item);
      else list.append(item);
      htmx.process(item);
      // the pushed copy may have arrived first and been decorated; this one replaces it
      decorate(item);
    }
    afterListChange(list);
  }

  function toast(text) {
    const t = document.createElement("p");
    t.className = "toast";
    t.setAttribute("role", "alert");
    t.textContent = text;
    body.append(t);
    setTimeout(() => t.remove(), 4000);
  }

  // ---- the shared message action toolbar -------------------------------------------------
  const actions = $("#message-actions");
  let actionTarget = null;
  function showActions(message) {
    if (!actions || !message || message.classList.contains("deleted") || message.classList.contains("kind-system")) {
      return;
    }
    actionTarget = message;
    message.append(actions);
    actions.hidden = false;
  }
  document.addEventListener("focusin", (e) => {
    const m = e.target.closest?.(".message");
    if (m && !actions?.contains(e.target)) showActions(m);
  });
  document.addEventListener("mouseover", (e) => {
    const m = e.target.closest?.(".message");
    if (m && m !== actionTarget) showActions(m);
  });
  actions?.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-action]");
    if (!button || !actionTarget) return;
    const m = actionTarget;
    const id = m.dataset.messageId;
    const pane = m.closest(".conversation");
    const form = pane && $(".composer", pane);
    const action = button.dataset.action;
    if (action === "react") {
      $("#action-emoji").value = button.dataset.emoji;
      htmx.ajax("POST", `/ui/messages/${id}/react`, { source: "#action-form", swap: "none" });
    } else if (action === "delete") {
      if (confirm(strings.confirm_delete)) {
        htmx.ajax("POST", `/ui/messages/${id}/delete`, { source: "#action-form", swap: "none" });
      }
    } else if (action === "reply" && form) {
      form.elements.parent_id.value = id;
      form.elements.edit_id.value = "";
      $(".composer-context-label", form).textContent = fill(strings.replying_to, {
        name: $(".sender", m)?.textContent || "",
      });
      $(".composer-context", form).hidden = false;
      form.elements.content.focus();
    } else if (action === "edit" && form) {
      form.elements.edit_id.value = id;
      form.elements.parent_id.value = "";
      form.elements.content.value = m.dataset.content || "";
      $(".composer-context-label", form).textContent = strings.editing;
      $(".composer-context", form).hidden = false;
      autosize(form.elements.content);
      form.elements.content.focus();
    }
  });

  // ---- htmx hooks ------------------------------------------------------------------------
  document.addEventListener("htmx:config:request", (e) => {
    const ctx = e.detail.ctx;
    const form = ctx.sourceElement;
    if (!form?.matches?.("form.composer")) return;
    sentText.set(form, form.elements.content.value);
    const editId = form.elements.edit_id.value;
    if (editId) {
      ctx.request.action = `/ui/messages/${editId}/edit`;
      return;
    }
    if ($(".file-input", form).files.length) {
      e.preventDefault();
      form.elements.client_id.value = crypto.randomUUID();
      sendWithFiles(form);
      return;
    }
    const id = crypto.randomUUID();
    form.elements.client_id.value = id;
    if (ctx.request.body instanceof FormData) ctx.request.body.set("client_id", id);
  });

  document.addEventListener("htmx:after:request", (e) => {
    const form = e.detail.ctx?.sourceElement;
    if (form?.matches?.("form.composer") && e.detail.ctx.response?.status < 300) afterSend(form);
  });

  document.addEventListener("htmx:before:swap", (e) => {
    const ctx = e.detail.ctx;
    const older = ctx.sourceElement?.matches?.(".load-older") ? ctx.sourceElement : null;
    if (older && keepScroll) return;
  });

  document.addEventListener("htmx:after:swap", (e) => {
    const target = e.detail.ctx?.target;
    const pane = openPane();
    if (pane && !pane.dataset.ready) {
      setupPane(pane);
      if (body.classList.contains("widget")) selectTab("tab-chat");
    }
    decorate(document);
    for (const list of $$(".message-list")) afterListChange(list);
    if (keepScroll) {
      keepScroll.scroller.scrollTop = keepScroll.scroller.scrollHeight - keepScroll.fromBottom;
      keepScroll = null;
    }
    handleNotices();
    sortConversations();
    syncTitle();
    if (target?.id === "pane" && !openPane()) body.classList.remove("has-open");
  });

  const lastCount = new WeakMap();
  function afterListChange(list) {
    const count = list.children.length;
    const pane = list.closest(".conversation");
    const reordered = keepOrder(list);
    if (lastCount.get(list) === count && !reordered) {
      updateReads(pane);
      return;
    }
    const grew = lastCount.has(list) && count > lastCount.get(list);
    lastCount.set(list, count);
    decorateList(list);
    updateReads(pane);
    if (!grew || !pane) return;
    const scroller = scrollerOf(pane);
    const newest = $$(".message", list).at(-1);
    if (!newest) return;
    if (newest.dataset.authorId === me || nearBottom(scroller) || scroller.scrollHeight - scroller.clientHeight < 400) {
      scroller.scrollTop = scroller.scrollHeight;
    } else {
      $(".jump-latest", pane).hidden = false;
    }
    if (newest.dataset.authorId !== me) markReadSoon(pane.dataset.conversationId);
  }

  let readTimer = null;
  function markReadSoon(conversationId) {
    if (document.visibilityState !== "visible") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      htmx.ajax("POST", `/ui/conversations/${conversationId}/read`, { source: "#action-form", swap: "none" });
    }, 300);
  }
  document.addEventListener("visibilitychange", () => {
    const pane = openPane();
    const badge = pane && document.getElementById(`unread-${pane.dataset.conversationId}`);
    if (document.visibilityState === "visible" && badge && badge.textContent.trim()) {
      markReadSoon(pane.dataset.conversationId);
    }
  });

  // ---- the conversation list: the server's order, older pages, rows that come alive -------
  // Rows are ordered as the server pages them: updated_at, then id, newest first. A push
  // that changes a row's activity moves it; the item that loads older pages stays last; a
  // row that a page and a push both brought is kept once; rows of the other list (archived
  // or not) leave.
  const rowKey = (row) => `${$(".conv-meta", row)?.dataset.updated || ""}|${row.dataset.conversationId}`;
  function sortConversations() {
    for (const list of $$("#conv-list")) {
      const archived = list.closest(".conv-list-wrap")?.dataset.archived || "false";
      const rows = $$(":scope > .conv-row", list);
      const seen = new Set();
      for (const row of rows) {
        if (seen.has(row.id) || (row.dataset.archived && row.dataset.archived !== archived)) row.remove();
        seen.add(row.id);
      }
      const kept = rows.filter((row) => row.isConnected);
      const keys = new Map(kept.map((row) => [row, rowKey(row)]));
      const sorted = kept.slice().sort((x, y) => (keys.get(x) < keys.get(y) ? 1 : -1));
      if (sorted.some((row, i) => row !== kept[i])) list.prepend(...sorted);
      const more = $(":scope > .conv-more", list);
      if (more && more.nextElementSibling) list.append(more);
    }
  }

  // A message in a conversation the list has not loaded yet (older than its pages) brings
  // that conversation's row in; sorting then puts it on top.
  const rowsComing = new Set();
  function bringRow(conversationId) {
    const list = $("#conv-list");
    if (!list || list.closest(".conv-list-wrap")?.dataset.archived === "true") return;
    if (document.getElementById(`conv-${conversationId}`) || rowsComing.has(conversationId)) return;
    rowsComing.add(conversationId);
    htmx.ajax("GET", `/ui/conversations/${conversationId}/row`, { target: list, swap: "afterbegin" })
      .catch(() => {})
      .finally(() => rowsComing.delete(conversationId));
  }

  // The total is the sum of the server's per-conversation counts (muted ones left out),
  // shown in the tab title and the widget's bar.
  function syncTitle() {
    const rows = $$("#conv-list .conv-row:not(.muted) .badge[data-count]");
    const n = rows.reduce((sum, b) => sum + Number(b.dataset.count || 0), 0);
    for (const total of $$("#unread-total")) {
      total.dataset.count = String(n);
      total.textContent = n > 0 ? (n > 99 ? "99+" : String(n)) : "";
      total.classList.toggle("empty", n === 0);
    }
    document.title = n > 0 ? `(${n > 99 ? "99+" : n}) ${baseTitle}` : baseTitle;
  }

  // ---- pushed notices: notifications, the live region, reset ------------------------------
  function handleNotices() {
    const slot = $("#notify-slot");
    if (!slot) return;
    for (const n of $$(".notice", slot)) {
      if (n.dataset.kind === "reset") {
        location.reload();
        return;
      }
      if (n.dataset.kind === "presence-sync") {
        syncPresenceSoon();
        continue;
      }
      if (n.dataset.kind === "message") bringRow(n.dataset.conversationId);
      if (n.dataset.authorId === me) continue;
      const text = `${n.dataset.sender}: ${n.dataset.preview}`;
      const live = $("#live-region");
      if (live) live.textContent = fill(strings.new_message_from, { name: n.dataset.sender }) + " " + n.dataset.preview;
      const pane = openPane();
      const isOpen = pane?.dataset.conversationId === n.dataset.conversationId &&
        document.visibilityState === "visible";
      if (!isOpen && n.dataset.muted !== "true") notify(n, text);
    }
    slot.replaceChildren();
  }

  // A mass reconnect arrives as one "presence changed" notice instead of one event per
  // person; every open page refetches, spread over a few seconds so they do not all ask at once.
  let presenceSync = null;
  function syncPresenceSoon() {
    if (presenceSync) return;
    presenceSync = setTimeout(async () => {
      presenceSync = null;
      const response = await fetch("/api/chat/conversations/presence/", { credentials: "same-origin" })
        .catch(() => null);
      if (!response?.ok) return;
      for (const person of await response.json()) {
        $$(`.presence-${CSS.escape(person.id)}`).forEach((dot) => {
          dot.classList.toggle("online", person.is_online);
          dot.dataset.online = person.is_online ? "true" : "false";
          dot.dataset.lastSeen = person.last_seen ?? "";
          updatePresenceText(dot);
        });
      }
    }, Math.random() * 3000);
  }

  function notify(n, text) {
    if (!("Notification" in globalThis) || Notification.permission !== "granted") return;
    const note = new Notification(n.dataset.title || n.dataset.sender, {
      body: text,
      tag: `message-${n.dataset.messageId}`,
    });
    setTimeout(() => note.close(), 5000);
    note.addEventListener("click", () => {
      globalThis.focus();
      note.close();
      openConversation(n.dataset.conversationId);
    });
  }

  function openConversation(id) {
    htmx.ajax("GET", `/ui/conversations/${id}`, { target: "#pane", swap: "innerHTML" }).then(() => {
      if (!body.classList.contains("widget")) history.pushState({}, "", `/c/${id}`);
    });
  }

  if ("Notification" in globalThis && Notification.permission === "default" && me) {
    setTimeout(() => Notification.requestPermission().catch(() => {}), 4000);
  }

  // ---- stream health: fall back to polling when SSE keeps failing ---------------------------
  const stream = $("#event-stream");
  let failures = 0;
  let polling = false;
  let lastEventId = stream?.dataset.cursor || "0";
  document.addEventListener("htmx:sse:after:message", (e) => {
    failures = 0;
    if (e.detail.message?.id) lastEventId = e.detail.message.id;
  });
  document.addEventListener("htmx:sse:after:connection", () => {
    failures = 0;
  });
  document.addEventListener("htmx:sse:error", () => {
    failures++;
    if (failures >= 3 && !polling) startPolling();
  });
  // htmx's SSE extension retries a stream that dropped, but not a first connect that failed
  // (a server restarting as the page loads, a blip): that one is asked again here, sooner
  // or later falling back to polling like any failing stream
  function connectFailed() {
    if (stream._htmx?.sse) return;
    failures++;
    if (failures >= 3 && !polling) startPolling();
    const url = stream.getAttribute("hx-sse:connect");
    setTimeout(() => {
      if (!stream._htmx?.sse) htmx.ajax("GET", url, { source: stream });
    }, Math.min(10_000, 500 * 2 ** failures));
  }
  stream?.addEventListener("htmx:error", connectFailed);
  stream?.addEventListener("htmx:response:error", connectFailed);
  // htmx can start the first connect before this script runs, and a connect refused at once
  // can fail before the listeners above exist: a stream still not connected a moment later
  // counts as a failed connect
  if (stream) {
    setTimeout(() => {
      if (failures === 0 && !stream._htmx?.sse) connectFailed();
    }, 3000);
  }
  async function startPolling() {
    polling = true;
    $("#connection-status").hidden = false;
    while (polling) {
      try {
        const res = await fetch(`/ui/events/poll?after=${encodeURIComponent(lastEventId)}`, {
          headers: { "HX-Request": "true" },
        });
        if (res.ok) {
          const next = res.headers.get("X-Last-Event-Id");
          const html = await res.text();
          if (next) lastEventId = next;
          if (html.trim()) await htmx.swap({ text: html, target: stream, swap: "none", sourceElement: stream });
          if (failures === 0) {
            polling = false;
            $("#connection-status").hidden = true;
          }
        } else {
          await new Promise((r) => setTimeout(r, 3000));
        }
      } catch {
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  // ---- small page behaviours ------------------------------------------------------------------
  document.addEventListener("change", (e) => {
    if (e.target.matches?.("select.auto-submit")) e.target.form.submit();
  });

  function selectTab(id) {
    for (const tab of $$(".widget-tab")) {
      const on = tab.dataset.tab === id;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      document.getElementById(tab.dataset.tab).hidden = !on;
    }
    const pane = openPane();
    if (id === "tab-chat" && pane) {
      const s = scrollerOf(pane);
      s.scrollTop = s.scrollHeight;
    }
  }
  document.addEventListener("click", (e) => {
    const tab = e.target.closest?.(".widget-tab");
    if (tab) selectTab(tab.dataset.tab);
    const bar = e.target.closest?.("#chat-bar");
    if (bar) {
      const panel = $("#widget-panel");
      panel.hidden = !panel.hidden;
      bar.setAttribute("aria-expanded", panel.hidden ? "false" : "true");
      parent.postMessage({ parley: panel.hidden ? "closed" : "opened" }, "*");
    }
  });

  decorate(document);
  setupPane(openPane());
  syncTitle();
})();
