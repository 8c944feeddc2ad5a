import assert from "node:assert/strict";
import { group, liveWorld, post } from "./live_world.ts";

Deno.test("over HTTP, message markup draws resolved mentions as chips and entities as escaped links, nothing else", async () => {
  const resolver = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => Response.json({ label: `<img src=x onerror=alert(1)> Task` }),
  );
  const w = await liveWorld({ WEBHOOKS_ALLOW_PRIVATE: "true" });
  await w.call(w.admin, "PUT", "/api/admin/settings", {
    entity_types: [{
      type: "task",
      url_template: "https://erp.example/tasks/{id}",
      label_template: "Task #{id}",
      resolver_url: `http://127.0.0.1:${resolver.addr.port}/`,
    }],
  });
  const team = await group(w, w.bob, [w.carol]);
  await post(w, w.bob, team, "Hi @carol. @all see @task#45, not @ticket#1, @zed or carol@acme.test <b>x</b>");

  const res = await fetch(`${w.url}/ui/conversations/${team}/messages`, {
    headers: { cookie: `parley_session=${w.carol.token}` },
  });
  const html = await res.text();

  assert.equal(res.status, 200);
  assert.match(
    html,
    new RegExp(
      `<span class="mention" data-user-id="${w.carol.user.id}" data-username="carol" title="Carol">@carol</span>\\.`,
    ),
  );
  assert.match(html, /<span class="mention mention-all" data-i18n-title="mention_all">@all<\/span>/);
  assert.match(
    html,
    /<a class="entity-link" href="https:\/\/erp.example\/tasks\/45"[^>]*data-context-url="\/api\/chat\/context\/task\/45\/">&lt;img src=x onerror=alert\(1\)&gt; Task<\/a>/,
  );
  assert.match(html, /not @ticket#1, @zed or carol@acme.test &lt;b&gt;x&lt;\/b&gt;/);
  assert.doesNotMatch(html, /<img src=x/);
  await w.close();
  await resolver.shutdown();
});
