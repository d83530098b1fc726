-- Every transaction that queues outbox rows wakes the delivery workers of the other app instances
-- when it commits (they LISTEN on dialogo_outbox): one notification per insert statement, which
-- PostgreSQL folds into one per transaction. Polling stays the fallback.
CREATE OR REPLACE FUNCTION "dialogo_outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dialogo_outbox', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox" FOR EACH STATEMENT EXECUTE FUNCTION "dialogo_outbox_notify"();
