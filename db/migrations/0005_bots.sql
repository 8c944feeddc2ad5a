ALTER TABLE `users` ADD `is_bot` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `bot_status` text;
