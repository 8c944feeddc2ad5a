ALTER TABLE `messages` ADD `pii` text;
