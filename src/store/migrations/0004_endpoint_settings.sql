-- What a channel needs to know about an endpoint beyond its address (an IMAP server, the
-- origins a chat widget may be embedded on…), and the one credential it needs (a page
-- access token, a mailbox password). The secret is written through the API, never read
-- back through it.
ALTER TABLE endpoints ADD COLUMN settings jsonb NOT NULL DEFAULT '{}';
ALTER TABLE endpoints ADD COLUMN secret text;
