CREATE TABLE `sso_secrets` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kid` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`retired_at` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sso_secrets_tenant_kid_uq` ON `sso_secrets` (`tenant_id`,`kid`);--> statement-breakpoint
CREATE TABLE `sso_used_tokens` (
	`tenant_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `jti`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sso_used_tokens_expires_idx` ON `sso_used_tokens` (`expires_at`);
