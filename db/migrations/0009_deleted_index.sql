DROP INDEX `messages_deleted_idx`;--> statement-breakpoint
CREATE INDEX `messages_deleted_idx` ON `messages` (`deleted_at`) WHERE deleted_at IS NOT NULL AND purged_at IS NULL;
