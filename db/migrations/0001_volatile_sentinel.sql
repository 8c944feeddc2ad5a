ALTER TABLE `mentions` ADD `conversation_id` text;--> statement-breakpoint
ALTER TABLE `mentions` ADD `everyone` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `mentions` ADD `url` text;--> statement-breakpoint
CREATE INDEX `mentions_conversation_message_idx` ON `mentions` (`conversation_id`,`message_id`);