CREATE TABLE `support_tickets` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`requester_id` text NOT NULL,
	`state` text NOT NULL,
	`misses` integer DEFAULT 0 NOT NULL,
	`waiting_since` integer,
	`claimed_by` text,
	`claimed_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`conversation_id`) REFERENCES `conversations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`claimed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `support_tickets_tenant_state_idx` ON `support_tickets` (`tenant_id`,`state`,`waiting_since`);--> statement-breakpoint
CREATE UNIQUE INDEX `support_tickets_tenant_open_requester_uq` ON `support_tickets` (`tenant_id`,`requester_id`) WHERE state <> 'closed';--> statement-breakpoint
CREATE TABLE `bot_accounts` (
	`user_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`webhook_url` text,
	`webhook_secret` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_error` text,
	`last_error_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `bot_accounts_tenant_idx` ON `bot_accounts` (`tenant_id`);
