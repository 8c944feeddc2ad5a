ALTER TABLE `messages` ADD `purged_at` integer;--> statement-breakpoint
DROP INDEX `messages_deleted_idx`;--> statement-breakpoint
CREATE INDEX `messages_deleted_idx` ON `messages` (`deleted_at`) WHERE purged_at IS NULL;--> statement-breakpoint
CREATE INDEX `messages_tenant_created_idx` ON `messages` (`tenant_id`,`created_at`) WHERE purged_at IS NULL;--> statement-breakpoint
CREATE INDEX `messages_parent_idx` ON `messages` (`parent_id`) WHERE parent_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `retention_runs` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`purged_messages` integer NOT NULL,
	`purged_attachments` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
