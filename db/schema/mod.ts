export * from "./tenants.ts";
export * from "./users.ts";
export * from "./conversations.ts";
export * from "./messages.ts";
export * from "./events.ts";
export * from "./admin.ts";
export * from "./webhooks.ts";
