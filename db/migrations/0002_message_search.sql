-- Full-text search over message content. Two external-content FTS5 indexes read their text
-- from views over `messages` (so the text is stored once):
--   messages_fts: words, case- and diacritics-insensitive (unicode61, remove_diacritics 2),
--     plus the conversation id as one token, so a search can be narrowed to the caller's
--     conversations inside the index; prefixes of 2 to 5 characters are indexed too, so a
--     short prefix does not merge the lists of every word it starts;
--   messages_fts_cjk: trigrams, for substrings of text written without spaces between words
--     (Han, kana, Thai, Lao, Myanmar, Khmer); only messages containing such characters.
-- A message is indexed while it is searchable: not deleted, not a system message, with text.
-- New messages are indexed in batches after they are sent (db/search.ts `indexNewMessages`),
-- never inside the send, which stays as cheap as without search; `messages_fts_progress`
-- holds the last rowid indexed. Edits and deletions of indexed rows update the indexes by
-- trigger in their own transaction, so a deleted message or a former text is never found;
-- rows past the progress mark are indexed later as they are then.
CREATE VIEW `messages_search_words` AS
  SELECT rowid AS rid, content, replace(conversation_id, '-', '') AS conv FROM messages
  WHERE deleted_at IS NULL AND kind <> 'system' AND content <> '';
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(
  content, conv,
  content = 'messages_search_words', content_rowid = 'rid',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3 4 5'
);
--> statement-breakpoint
CREATE VIEW `messages_search_cjk` AS
  SELECT rowid AS rid, content FROM messages
  WHERE deleted_at IS NULL AND kind <> 'system'
    AND content GLOB '*[㐀-䶿一-鿿぀-ヿ฀-๿຀-໿က-႟ក-៿]*';
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts_cjk` USING fts5(
  content,
  content = 'messages_search_cjk', content_rowid = 'rid',
  tokenize = 'trigram remove_diacritics 1'
);
--> statement-breakpoint
CREATE TABLE `messages_fts_progress` (
  `id` integer PRIMARY KEY CHECK (`id` = 1),
  `indexed_rowid` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `messages_search_update` AFTER UPDATE OF content, deleted_at ON `messages`
  WHEN old.rowid <= (SELECT indexed_rowid FROM messages_fts_progress) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content, conv)
    SELECT 'delete', old.rowid, old.content, replace(old.conversation_id, '-', '')
    WHERE old.deleted_at IS NULL AND old.kind <> 'system' AND old.content <> '';
  INSERT INTO messages_fts_cjk (messages_fts_cjk, rowid, content)
    SELECT 'delete', old.rowid, old.content
    WHERE old.deleted_at IS NULL AND old.kind <> 'system'
      AND old.content GLOB '*[㐀-䶿一-鿿぀-ヿ฀-๿຀-໿က-႟ក-៿]*';
  INSERT INTO messages_fts (rowid, content, conv)
    SELECT new.rowid, new.content, replace(new.conversation_id, '-', '')
    WHERE new.deleted_at IS NULL AND new.kind <> 'system' AND new.content <> '';
  INSERT INTO messages_fts_cjk (rowid, content)
    SELECT new.rowid, new.content
    WHERE new.deleted_at IS NULL AND new.kind <> 'system'
      AND new.content GLOB '*[㐀-䶿一-鿿぀-ヿ฀-๿຀-໿က-႟ក-៿]*';
END;
--> statement-breakpoint
CREATE TRIGGER `messages_search_delete` AFTER DELETE ON `messages`
  WHEN old.rowid <= (SELECT indexed_rowid FROM messages_fts_progress) BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, content, conv)
    SELECT 'delete', old.rowid, old.content, replace(old.conversation_id, '-', '')
    WHERE old.deleted_at IS NULL AND old.kind <> 'system' AND old.content <> '';
  INSERT INTO messages_fts_cjk (messages_fts_cjk, rowid, content)
    SELECT 'delete', old.rowid, old.content
    WHERE old.deleted_at IS NULL AND old.kind <> 'system'
      AND old.content GLOB '*[㐀-䶿一-鿿぀-ヿ฀-๿຀-໿က-႟ក-៿]*';
END;
--> statement-breakpoint
-- existing messages: index what is there now
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO messages_fts_cjk (messages_fts_cjk) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO messages_fts_progress (id, indexed_rowid) SELECT 1, coalesce(max(rowid), 0) FROM messages;
--> statement-breakpoint
-- mentions recorded before they carried their conversation
UPDATE mentions SET conversation_id = (SELECT conversation_id FROM messages WHERE messages.id = mentions.message_id)
  WHERE conversation_id IS NULL;
