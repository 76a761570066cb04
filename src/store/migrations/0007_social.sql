-- On social networks a message is public (a comment under a post, seen by everyone) or
-- private (a direct message). An agent's reply to a conversation that began with a
-- comment says which it is: answered under the comment, or taken to a private message.
ALTER TABLE messages ADD COLUMN visibility text CHECK (visibility IN ('public', 'private'));
