import type { Context, Handler } from "hono";
import { zValidator } from "@hono/zod-validator";
import { markRead } from "../chat/conversations/read_state.ts";
import { signalTyping } from "../realtime/typing.ts";
import type { AppEnv } from "../server/env.ts";
import { readBody } from "./schemas.ts";
import { invalidInput } from "./validation.ts";

/**
 * What a member tells a conversation without writing to it, the same from the API and
 * from the pages; each surface only answers in its own way.
 */

type Answer<A extends unknown[]> = (c: Context<AppEnv>, ...args: A) => Response | Promise<Response>;

/**
 * Tells the other members of conversation `:id` that the caller is typing.
 * @param answer the reply once the signal is out
 */
export function typingRoute(answer: Answer<[]>): Handler<AppEnv, "/:id/typing"> {
  return async (c) => {
    await signalTyping(c.var.scope, c.req.param("id"), c.var.user, c.var.deps);
    return await answer(c);
  };
}

/**
 * Marks conversation `:id` read for the caller up to the JSON body's `up_to_id`, or up to
 * its newest message (a form post, or no body).
 * @param answer the reply, given the conversation id and how many messages were marked read
 */
export function markReadRoute(answer: Answer<[id: string, marked: number]>) {
  return [
    zValidator("json", readBody, invalidInput),
    async (c: Context<AppEnv, string, { out: { json: { up_to_id?: string | null } } }>) => {
      const id = c.req.param("id")!;
      return await answer(c, id, await markRead(c.var.scope, id, c.req.valid("json").up_to_id));
    },
  ] as const;
}
