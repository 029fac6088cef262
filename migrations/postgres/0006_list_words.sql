-- The words of full-text search move onto the request list's own rows. A searched list is nearly
-- always filtered by status and ordered by time too; with words, status and times on one table the
-- planner can weigh them together (walk the time order and test the words, or take the word index
-- and sort), instead of joining every request that has a common word. The texts stay in
-- request_list_search, written once at submission; the projection sets `words` from them then.
ALTER TABLE request_list ADD COLUMN words tsvector;
UPDATE request_list r SET words = s.search FROM request_list_search s WHERE s.id = r.id;
DROP INDEX request_list_search_words;
ALTER TABLE request_list_search DROP COLUMN search;
CREATE INDEX request_list_words ON request_list USING gin (words);
-- Most searches are of open requests, a small share of all: their own, small word index.
CREATE INDEX request_list_open_words ON request_list USING gin (words)
    WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
-- Open requests newest first, for lists of open requests of any statuses.
CREATE INDEX request_list_open_by_submitted ON request_list USING btree (submitted_at, id)
    WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
